namespace Granary.Grains.Jobs;

/// <summary>
/// Where one task (one instance slot of a function: <c>max_instances</c> slots per function) stands, as in Cube:
/// Pending → Scheduled → Running → Completed | Failed, and Failed → Scheduled when the restart policy restarts it.
/// </summary>
public enum TaskState
{
    /// <summary>Waiting for a node: not placed yet, no node fits, or its node was lost (placed again at once).</summary>
    Pending = 0,

    /// <summary>A node was chosen and is starting the instance.</summary>
    Scheduled = 1,

    /// <summary>Its instance runs.</summary>
    Running = 2,

    /// <summary>It ended successfully: exit code 0, or the function called the completion host call.</summary>
    Completed = 3,

    /// <summary>It ended with an error (crash, trap, non-zero exit code); restarted when its policy allows.</summary>
    Failed = 4,
}
