using System.Globalization;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;

namespace Granary.Grains.Jobs;

/// <summary>
/// A function's task settings, parsed from its annotations (keys in <see cref="JobAnnotations"/>): the resources each
/// instance requests, the restart policy and limit, and the placement strategy that overrides the domain's.
/// </summary>
[GenerateSerializer]
public sealed record TaskSpecification
{
    /// <summary>What each instance requests of its node; <see cref="ResourceRequest.None"/> when no annotation asks.</summary>
    [Id(0)]
    public ResourceRequest Request { get; init; }

    [Id(1)]
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Always;

    /// <summary>Restarts allowed per task; null for no limit.</summary>
    [Id(2)]
    public int? MaxRestarts { get; init; }

    /// <summary>The strategy this function is placed with; null to use the domain's.</summary>
    [Id(3)]
    public PlacementPolicy? Placement { get; init; }

    /// <summary>The defaults: no request, restart always without limit (with back-off), the domain's strategy.</summary>
    public static TaskSpecification Default { get; } = new();

    /// <summary>
    /// Parses the job keys of <paramref name="annotations"/>, collecting every malformed value in <paramref name="errors"/>
    /// (paths are the keys): <c>cpu</c> that is not a non-negative number of cores or an integer followed by <c>m</c>;
    /// <c>memory</c> or <c>disk</c> that is not a non-negative integer of MiB (optionally <c>Mi</c>, or <c>Gi</c> for GiB);
    /// an unknown <c>restart-policy</c> or <c>placement</c>; a <c>max-restarts</c> that is not a non-negative integer.
    /// </summary>
    public static bool TryParse(IReadOnlyDictionary<string, string> annotations, out TaskSpecification specification, out IReadOnlyList<WorkflowSpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var found = new List<WorkflowSpecError>();
        specification = new TaskSpecification
        {
            Request = new ResourceRequest(
                ParseCpu(annotations, found),
                ParseMib(annotations, JobAnnotations.Memory, found),
                ParseMib(annotations, JobAnnotations.Disk, found)),
            RestartPolicy = ParseRestartPolicy(annotations, found),
            MaxRestarts = ParseMaxRestarts(annotations, found),
            Placement = ParsePlacement(annotations, found),
        };
        errors = found;
        return found.Count == 0;
    }

    /// <summary>The settings of <paramref name="annotations"/>; throws <see cref="WorkflowSpecException"/> when one is malformed.</summary>
    public static TaskSpecification Parse(IReadOnlyDictionary<string, string> annotations)
    {
        if (TryParse(annotations, out var specification, out var errors))
        {
            return specification;
        }

        throw new WorkflowSpecException(null, errors.Select(e => e with { Path = "annotations." + e.Path }).ToList());
    }

    /// <summary>The wire name of a placement strategy in the <c>placement</c> annotation.</summary>
    public static string WireName(PlacementPolicy policy) => policy switch
    {
        PlacementPolicy.Random => "random",
        PlacementPolicy.RoundRobin => "round-robin",
        PlacementPolicy.ResourceFit => "resource-fit",
        PlacementPolicy.Epvm => "epvm",
        _ => policy.ToString(),
    };

    /// <summary>The wire name of a restart policy in the <c>restart-policy</c> annotation.</summary>
    public static string WireName(RestartPolicy policy) => policy switch
    {
        RestartPolicy.Always => "always",
        RestartPolicy.OnFailure => "on-failure",
        RestartPolicy.Never => "never",
        _ => policy.ToString(),
    };

    private static long ParseCpu(IReadOnlyDictionary<string, string> values, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(JobAnnotations.Cpu, out var raw))
        {
            return 0;
        }

        var text = raw.Trim();
        if (text.EndsWith('m')
            && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var millicores))
        {
            return millicores;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cores) && cores <= 1_000_000)
        {
            return (long)Math.Ceiling(cores * 1000);
        }

        errors.Add(new WorkflowSpecError(JobAnnotations.Cpu, $"expected cores (0.5, 2) or millicores (500m), found '{raw}'"));
        return 0;
    }

    private static long ParseMib(IReadOnlyDictionary<string, string> values, string key, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(key, out var raw))
        {
            return 0;
        }

        var text = raw.Trim();
        var factor = 1L;
        if (text.EndsWith("Gi", StringComparison.Ordinal))
        {
            factor = 1024;
            text = text[..^2];
        }
        else if (text.EndsWith("Mi", StringComparison.Ordinal))
        {
            text = text[..^2];
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= long.MaxValue / 1024)
        {
            return amount * factor;
        }

        errors.Add(new WorkflowSpecError(key, $"expected a whole number of MiB (256, 256Mi or 2Gi), found '{raw}'"));
        return 0;
    }

    private static RestartPolicy ParseRestartPolicy(IReadOnlyDictionary<string, string> values, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(JobAnnotations.RestartPolicy, out var raw))
        {
            return RestartPolicy.Always;
        }

        switch (raw.Trim())
        {
            case "always":
                return RestartPolicy.Always;
            case "on-failure":
                return RestartPolicy.OnFailure;
            case "never":
                return RestartPolicy.Never;
            default:
                errors.Add(new WorkflowSpecError(JobAnnotations.RestartPolicy, $"expected always, on-failure or never, found '{raw}'"));
                return RestartPolicy.Always;
        }
    }

    private static int? ParseMaxRestarts(IReadOnlyDictionary<string, string> values, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(JobAnnotations.MaxRestarts, out var raw))
        {
            return null;
        }

        if (int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return count;
        }

        errors.Add(new WorkflowSpecError(JobAnnotations.MaxRestarts, $"expected a non-negative integer, found '{raw}'"));
        return null;
    }

    private static PlacementPolicy? ParsePlacement(IReadOnlyDictionary<string, string> values, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(JobAnnotations.Placement, out var raw))
        {
            return null;
        }

        foreach (var policy in Enum.GetValues<PlacementPolicy>())
        {
            if (string.Equals(WireName(policy), raw.Trim(), StringComparison.Ordinal))
            {
                return policy;
            }
        }

        errors.Add(new WorkflowSpecError(JobAnnotations.Placement, $"expected random, round-robin, resource-fit or epvm, found '{raw}'"));
        return null;
    }
}
