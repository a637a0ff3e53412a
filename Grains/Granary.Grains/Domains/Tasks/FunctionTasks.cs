using Granary.Grains.Identity;
using Granary.Grains.Jobs;

namespace Granary.Grains.Domains.Tasks;

/// <summary>
/// The tasks of one function (one per <c>max_instances</c> slot) and its restart policy: which slot to place next, and
/// what an instance's end means. The domain keeps the list of running instances; <see cref="Reconcile"/> brings the
/// slots in line with it (an instance that vanished, with its node or moved away, sends its slot back to Pending; one
/// that replaced it takes its slot over). Every transition is reported through the callback given at construction.
/// Time is read from the <see cref="TimeProvider"/>, so back-off can be tested on fake time.
/// </summary>
public sealed class FunctionTasks
{
    private readonly List<TaskSlot> _slots;
    private readonly TimeProvider _time;
    private readonly Action<TaskTransition> _onTransition;
    private bool _halted;

    public FunctionTasks(int slots, TaskSpecification specification, JobType jobType, TaskOptions options, TimeProvider time, Action<TaskTransition> onTransition)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Specification = specification;
        JobType = jobType;
        _time = time;
        _onTransition = onTransition;
        var now = time.GetUtcNow();
        _slots = [.. Enumerable.Range(0, slots).Select(i => new TaskSlot(i, options, now))];
    }

    public TaskSpecification Specification { get; }

    public JobType JobType { get; }

    public IReadOnlyList<TaskSlot> Slots => _slots;

    /// <summary>True when every task completed for good.</summary>
    public bool AllCompleted => _slots.All(s => s.State == TaskState.Completed && s.RestartAt is null);

    /// <summary>A task that failed past its restart policy, if any.</summary>
    public TaskSlot? FailedForGood => _slots.FirstOrDefault(s => s.State == TaskState.Failed && s.RestartAt is null);

    /// <summary>The earliest planned restart, if any.</summary>
    public DateTimeOffset? NextRestartAt => _halted ? null : _slots.Where(s => s.RestartAt is not null).Min(s => s.RestartAt);

    public List<TaskInfo> ToInfo() => [.. _slots.Select(s => s.ToInfo())];

    /// <summary>
    /// Brings the slots in line with <paramref name="instances"/>, the instances running now: a Running slot whose
    /// instance is gone takes over one not yet in any slot (a migration's replacement) or goes back to Pending; an
    /// instance in no slot takes a Pending or Scheduled slot.
    /// </summary>
    public void Reconcile(IReadOnlyCollection<InstanceId> instances)
    {
        var known = _slots.Where(s => s.State is TaskState.Running or TaskState.Scheduled && s.Instance is not null).Select(s => s.Instance!.Value).ToHashSet();
        var unattached = new Queue<InstanceId>(instances.Where(i => !known.Contains(i)));
        foreach (var slot in _slots.Where(s => s.State == TaskState.Running && !instances.Contains(s.Instance!.Value)))
        {
            if (unattached.TryDequeue(out var replacement))
            {
                slot.Instance = replacement;
            }
            else if (!_halted)
            {
                Move(slot, TaskState.Pending, "its instance is gone (node lost, or moved away)");
            }
        }

        while (unattached.Count > 0 && _slots.FirstOrDefault(s => s.State is TaskState.Pending) is { } free)
        {
            Move(free, TaskState.Scheduled, null);
            free.Instance = unattached.Dequeue();
            Move(free, TaskState.Running, null);
        }
    }

    /// <summary>The slot to place now: a Pending one, or one whose restart is due; none once halted.</summary>
    public TaskSlot? NextToPlace()
    {
        if (_halted)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        return _slots.FirstOrDefault(s => s.State == TaskState.Pending)
            ?? _slots.FirstOrDefault(s => s.State is TaskState.Failed or TaskState.Completed && s.RestartAt <= now);
    }

    /// <summary>A node was chosen for <paramref name="slot"/>: Scheduled (a restart counts here).</summary>
    public void Schedule(TaskSlot slot, string node)
    {
        var restart = slot.State is TaskState.Failed or TaskState.Completed;
        if (restart)
        {
            slot.Restarts++;
            slot.RestartAt = null;
        }

        Move(slot, TaskState.Scheduled, restart ? $"restart {slot.Restarts} on node {node}" : $"placed on node {node}");
    }

    /// <summary>The node started <paramref name="instance"/> for <paramref name="slot"/>: Running.</summary>
    public void Started(TaskSlot slot, InstanceId instance)
    {
        slot.Instance = instance;
        Move(slot, TaskState.Running, null);
    }

    /// <summary>The node failed to start the slot's instance: back to Pending (placement is retried; not a restart).</summary>
    public void StartFailed(TaskSlot slot, string reason) => Move(slot, TaskState.Pending, reason);

    /// <summary>
    /// The slot running <paramref name="exit"/>'s instance ended: Completed (exit code 0) or Failed, with a restart
    /// planned after the back-off when the policy allows it. False when no Running slot has that instance.
    /// </summary>
    public bool Exited(InstanceExit exit)
    {
        var slot = _slots.FirstOrDefault(s => s.State == TaskState.Running && s.Instance == exit.Instance);
        if (slot is null)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        slot.ExitCode = exit.ExitCode;
        var restart = exit.Succeeded
            ? JobType == JobType.Continuous && Specification.RestartPolicy == RestartPolicy.Always
            : Specification.RestartPolicy != RestartPolicy.Never;
        if (!exit.Succeeded)
        {
            slot.LastFailure = exit.Reason;
        }

        var reason = exit.Reason;
        if (restart && Specification.MaxRestarts is { } max && slot.Restarts >= max)
        {
            restart = false;
            reason += $" (max-restarts {max} reached)";
        }

        if (restart && !_halted)
        {
            var delay = slot.Backoff.NextDelay(now);
            slot.RestartAt = now + delay;
            reason += $"; restart after back-off {delay}";
        }

        Move(slot, exit.Succeeded ? TaskState.Completed : TaskState.Failed, reason);
        return true;
    }

    /// <summary>
    /// The function stops for good (its run-to-completion workflow ended): nothing is placed or restarted any more, and
    /// tasks still running are Failed with <paramref name="reason"/>.
    /// </summary>
    public void Halt(string reason)
    {
        _halted = true;
        foreach (var slot in _slots)
        {
            slot.RestartAt = null;
            if (slot.State == TaskState.Running)
            {
                slot.LastFailure = reason;
                Move(slot, TaskState.Failed, reason);
            }
        }
    }

    private void Move(TaskSlot slot, TaskState to, string? reason)
    {
        TaskStateMachine.EnsureCanMove(slot.State, to);
        var from = slot.State;
        slot.State = to;
        slot.Since = _time.GetUtcNow();
        _onTransition(new TaskTransition(slot.ToInfo(), from, reason));
    }
}
