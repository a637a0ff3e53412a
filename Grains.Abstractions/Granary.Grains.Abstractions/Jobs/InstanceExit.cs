using Granary.Grains.Identity;

namespace Granary.Grains.Jobs;

/// <summary>How an instance ended by itself, as its node reports it to the domain.</summary>
[GenerateSerializer]
[Immutable]
public sealed record InstanceExit
{
    [Id(0)]
    public required InstanceId Instance { get; init; }

    /// <summary>The exit code: the container's, or the one passed to the completion host call; null for a crash without one (exception, trap).</summary>
    [Id(1)]
    public int? ExitCode { get; init; }

    /// <summary>What happened, for people.</summary>
    [Id(2)]
    public string Reason { get; init; } = string.Empty;

    /// <summary>True when the task completed: exit code 0.</summary>
    public bool Succeeded => ExitCode == 0;
}
