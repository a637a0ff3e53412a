using Microsoft.Extensions.Options;

namespace Granary.Runtime.Configuration;

/// <summary>
/// Rejects silo configurations that cannot work, naming the option and the reason, when the silo starts (instead
/// of failing later in a less obvious way).
/// </summary>
internal sealed class RuntimeOptionsValidator :
    IValidateOptions<SiloOptions>,
    IValidateOptions<MessagingOptions>,
    IValidateOptions<MembershipOptions>,
    IValidateOptions<GrainCollectionOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            errors.Add("SiloOptions.ClusterId must not be empty.");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"SiloOptions.Port must be 0..65535, got {options.Port}.");
        }

        if (options.AcceptConnections && string.IsNullOrWhiteSpace(options.ListenAddress))
        {
            errors.Add("SiloOptions.ListenAddress must be an IP address or a host name, got nothing.");
        }

        if (options.AdvertisedAddress is { } advertised && string.IsNullOrWhiteSpace(advertised))
        {
            errors.Add("SiloOptions.AdvertisedAddress must be an IP address or a host name when set, got nothing.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        var errors = new List<string>();
        Positive(errors, "MessagingOptions.ResponseTimeout", options.ResponseTimeout);
        Positive(errors, "MessagingOptions.ConnectTimeout", options.ConnectTimeout);
        Positive(errors, "MessagingOptions.DeadlineCheckPeriod", options.DeadlineCheckPeriod);
        if (options.MaxForwardCount < 0)
        {
            errors.Add($"MessagingOptions.MaxForwardCount must not be negative, got {options.MaxForwardCount}.");
        }

        if (options.MaxFrameBytes < 1024)
        {
            errors.Add($"MessagingOptions.MaxFrameBytes must be at least 1024, got {options.MaxFrameBytes}.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, MembershipOptions options)
    {
        var errors = new List<string>();
        Positive(errors, "MembershipOptions.ProbePeriod", options.ProbePeriod);
        Positive(errors, "MembershipOptions.ProbeTimeout", options.ProbeTimeout);
        Positive(errors, "MembershipOptions.TableRefreshPeriod", options.TableRefreshPeriod);
        Positive(errors, "MembershipOptions.IAmAlivePeriod", options.IAmAlivePeriod);
        Positive(errors, "MembershipOptions.VoteExpiration", options.VoteExpiration);
        if (options.MissedProbesLimit < 1 || options.ProbedSilosCount < 1 || options.VotesForDeath < 1)
        {
            errors.Add("MembershipOptions.MissedProbesLimit, ProbedSilosCount and VotesForDeath must each be at least 1.");
        }

        if (options.IAmAliveExpiration < 2 * options.IAmAlivePeriod)
        {
            errors.Add($"MembershipOptions.IAmAliveExpiration ({options.IAmAliveExpiration}) must be at least twice IAmAlivePeriod ({options.IAmAlivePeriod}), or live silos would be declared dead.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, GrainCollectionOptions options)
    {
        var errors = new List<string>();
        Positive(errors, "GrainCollectionOptions.CollectionAge", options.CollectionAge);
        Positive(errors, "GrainCollectionOptions.CollectionQuantum", options.CollectionQuantum);
        Positive(errors, "GrainCollectionOptions.DeactivationTimeout", options.DeactivationTimeout);
        return Result(errors);
    }

    private static void Positive(List<string> errors, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{option} must be positive, got {value}.");
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) => errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
