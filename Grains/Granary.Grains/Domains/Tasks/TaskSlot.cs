using Granary.Grains.Identity;
using Granary.Grains.Jobs;

namespace Granary.Grains.Domains.Tasks;

/// <summary>One task of a function (one instance slot): where it stands and what it went through. Changed only by <see cref="FunctionTasks"/>.</summary>
public sealed class TaskSlot(int slot, TaskOptions options, DateTimeOffset since)
{
    public int Slot { get; } = slot;

    public TaskState State { get; internal set; } = TaskState.Pending;

    public DateTimeOffset Since { get; internal set; } = since;

    /// <summary>The instance running the task, or that ran it last.</summary>
    public InstanceId? Instance { get; internal set; }

    public int Restarts { get; internal set; }

    public int? ExitCode { get; internal set; }

    public string? LastFailure { get; internal set; }

    /// <summary>When the planned restart is due; null when none is planned.</summary>
    public DateTimeOffset? RestartAt { get; internal set; }

    internal RestartBackoff Backoff { get; } = new(options);

    /// <summary>True once the task ended for good: Completed or Failed with no restart planned.</summary>
    public bool IsFinal => State is TaskState.Completed or TaskState.Failed && RestartAt is null;

    public TaskInfo ToInfo() => new()
    {
        Slot = Slot,
        State = State,
        Instance = Instance,
        Restarts = Restarts,
        ExitCode = ExitCode,
        LastFailure = LastFailure,
        RestartAt = RestartAt,
        Since = Since,
    };
}
