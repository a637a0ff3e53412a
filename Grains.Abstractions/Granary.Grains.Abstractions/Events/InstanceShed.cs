using Granary.Grains.Identity;
using Granary.Grains.Nodes;

namespace Granary.Grains.Events;

/// <summary>
/// An instance left a tainted node: moved to <paramref name="MovedTo"/> when a node fit, else stopped and remembered
/// (started again on the node when the node is restored).
/// </summary>
/// <param name="Instance">The instance that left the node.</param>
/// <param name="LogicalId">The logical function it served.</param>
/// <param name="WorkflowId">Its workflow.</param>
/// <param name="DomainId">The domain.</param>
/// <param name="MovedTo">The instance that replaces it on another node; null when it was stopped.</param>
/// <param name="Metric">The resource whose breach keeps the node tainted.</param>
/// <param name="Value">Its use in the sample that shed the instance, in percent.</param>
/// <param name="Timestamp">When it was shed.</param>
[GenerateSerializer]
public sealed record InstanceShed(
    [property: Id(1)] InstanceId Instance,
    [property: Id(2)] LogicalFunctionId LogicalId,
    [property: Id(3)] string WorkflowId,
    [property: Id(4)] string DomainId,
    [property: Id(5)] InstanceId? MovedTo,
    [property: Id(6)] ProtectedResource Metric,
    [property: Id(7)] double Value,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
