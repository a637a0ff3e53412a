using Granary.Grains.Identity;

namespace Granary.Grains.Events;

/// <summary>A physical instance of a logical function or resource finished its init and accepts events.</summary>
/// <param name="Instance">The new instance (node and component id).</param>
/// <param name="LogicalId">The logical function or resource it serves.</param>
/// <param name="WorkflowId">The workflow it belongs to.</param>
/// <param name="Timestamp">When it started.</param>
[GenerateSerializer]
public sealed record InstanceStarted(
    [property: Id(1)] InstanceId Instance,
    [property: Id(2)] LogicalFunctionId LogicalId,
    [property: Id(3)] string WorkflowId,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
