using Granary.Grains.Identity;

namespace Granary.Grains.Events;

/// <summary>A physical instance was stopped on purpose (workflow stopped, migration, scale-in); its stop callback ran.</summary>
/// <param name="Instance">The stopped instance.</param>
/// <param name="LogicalId">The logical function or resource it served.</param>
/// <param name="WorkflowId">The workflow it belonged to.</param>
/// <param name="Reason">Why it was stopped, for people (e.g. "migrated to node n3").</param>
/// <param name="Timestamp">When it stopped.</param>
[GenerateSerializer]
public sealed record InstanceStopped(
    [property: Id(1)] InstanceId Instance,
    [property: Id(2)] LogicalFunctionId LogicalId,
    [property: Id(3)] string WorkflowId,
    [property: Id(4)] string Reason,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
