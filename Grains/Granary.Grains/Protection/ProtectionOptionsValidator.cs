using Microsoft.Extensions.Options;

namespace Granary.Grains.Protection;

/// <summary>Stops a silo whose <c>Granary:Protection</c> settings cannot work, naming the setting.</summary>
internal sealed class ProtectionOptionsValidator : IValidateOptions<ProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ProtectionOptions options)
    {
        var failures = new List<string>();
        if (options.SampleInterval <= TimeSpan.Zero)
        {
            failures.Add($"Granary:Protection:SampleInterval must be positive; found {options.SampleInterval}.");
        }

        if (options.LimitedCpuFraction is <= 0 or > 1)
        {
            failures.Add($"Granary:Protection:LimitedCpuFraction must be above 0 and at most 1; found {options.LimitedCpuFraction}.");
        }

        if (options.LimitedEventsPerSecond <= 0)
        {
            failures.Add($"Granary:Protection:LimitedEventsPerSecond must be positive; found {options.LimitedEventsPerSecond}.");
        }

        Check("Granary:Protection", options.Resolve(string.Empty, []), failures);
        foreach (var (domain, overrides) in options.Domains)
        {
            Check($"Granary:Protection:Domains:{domain}", overrides.ApplyTo(options.Resolve(string.Empty, [])), failures);
        }

        foreach (var (label, overrides) in options.Labels)
        {
            Check($"Granary:Protection:Labels:{label}", overrides.ApplyTo(options.Resolve(string.Empty, [])), failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string section, ProtectionThresholds thresholds, List<string> failures)
    {
        if (thresholds.ConsecutiveSamples < 1)
        {
            failures.Add($"{section}:ConsecutiveSamples must be at least 1; found {thresholds.ConsecutiveSamples}.");
        }

        foreach (var resource in thresholds.Watched)
        {
            if (thresholds.Release >= thresholds.For(resource))
            {
                failures.Add($"{section}:Release ({thresholds.Release}) must be below the {resource} threshold ({thresholds.For(resource)}), or a node could never be restored.");
            }
        }
    }
}
