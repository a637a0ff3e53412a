using Granary.Grains.Identity;

namespace Granary.Grains.Events;

/// <summary>
/// A physical instance failed (trap, exception, container exit, node lost) and is gone; the platform restarts the
/// logical function elsewhere or on the same node when it can.
/// </summary>
/// <param name="Instance">The failed instance.</param>
/// <param name="LogicalId">The logical function or resource it served.</param>
/// <param name="WorkflowId">The workflow it belonged to.</param>
/// <param name="Error">What went wrong, for people.</param>
/// <param name="Timestamp">When the failure was observed.</param>
[GenerateSerializer]
public sealed record InstanceFailed(
    [property: Id(1)] InstanceId Instance,
    [property: Id(2)] LogicalFunctionId LogicalId,
    [property: Id(3)] string WorkflowId,
    [property: Id(4)] string Error,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
