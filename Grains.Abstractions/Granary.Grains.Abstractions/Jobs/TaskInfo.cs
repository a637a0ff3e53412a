using Granary.Grains.Identity;

namespace Granary.Grains.Jobs;

/// <summary>One task of a function (one of its <c>max_instances</c> slots) as its domain tracks it.</summary>
[GenerateSerializer]
public sealed record TaskInfo
{
    /// <summary>The slot, from 0 to <c>max_instances</c> - 1.</summary>
    [Id(0)]
    public int Slot { get; init; }

    [Id(1)]
    public TaskState State { get; init; }

    /// <summary>The instance running it (or that ran it last); null before the first start.</summary>
    [Id(2)]
    public InstanceId? Instance { get; init; }

    /// <summary>How often the task was restarted after it ended.</summary>
    [Id(3)]
    public int Restarts { get; init; }

    /// <summary>The exit code of its last end, when it had one (containers; the completion host call).</summary>
    [Id(4)]
    public int? ExitCode { get; init; }

    /// <summary>Why it failed last; null when it never failed.</summary>
    [Id(5)]
    public string? LastFailure { get; init; }

    /// <summary>When a restart is due (back-off); null when none is planned.</summary>
    [Id(6)]
    public DateTimeOffset? RestartAt { get; init; }

    /// <summary>When it entered <see cref="State"/> (domain clock).</summary>
    [Id(7)]
    public DateTimeOffset Since { get; init; }
}
