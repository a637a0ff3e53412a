using Granary.Grains.Jobs;

namespace Granary.Grains.Domains.Tasks;

/// <summary>
/// The transitions a task may take: Pending → Scheduled → Running → Completed | Failed; Failed → Scheduled (a restart);
/// Completed → Scheduled (a continuous function with <c>restart-policy: always</c>); Scheduled → Pending (its node
/// failed to start it); Running → Pending (its instance vanished with its node, or was moved off it); Running →
/// Failed also when its run-to-completion workflow failed and the rest of it is stopped.
/// </summary>
public static class TaskStateMachine
{
    /// <summary>True when a task in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool CanMove(TaskState from, TaskState to) => (from, to) switch
    {
        (TaskState.Pending, TaskState.Scheduled) => true,
        (TaskState.Scheduled, TaskState.Running) => true,
        (TaskState.Scheduled, TaskState.Pending) => true,
        (TaskState.Running, TaskState.Completed) => true,
        (TaskState.Running, TaskState.Failed) => true,
        (TaskState.Running, TaskState.Pending) => true,
        (TaskState.Failed, TaskState.Scheduled) => true,
        (TaskState.Completed, TaskState.Scheduled) => true,
        _ => false,
    };

    /// <summary>Throws <see cref="InvalidOperationException"/> naming both states unless the move is allowed.</summary>
    public static void EnsureCanMove(TaskState from, TaskState to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"A task cannot move from {from} to {to}.");
        }
    }
}
