using Granary.Grains.Nodes;

namespace Granary.Grains.Events;

/// <summary>
/// A node's usage stayed above a protection threshold for the required samples: its container functions now run with
/// a reduced CPU quota and its other instances with a cap on events per second; it still takes new placements.
/// </summary>
/// <param name="NodeId">The node.</param>
/// <param name="DomainId">Its domain.</param>
/// <param name="Metric">The resource whose threshold was breached.</param>
/// <param name="Value">Its use in the sample that decided, in percent.</param>
/// <param name="Threshold">The threshold it exceeded, in percent.</param>
/// <param name="Timestamp">When the domain decided.</param>
[GenerateSerializer]
public sealed record NodeLimited(
    [property: Id(1)] Guid NodeId,
    [property: Id(2)] string DomainId,
    [property: Id(3)] ProtectedResource Metric,
    [property: Id(4)] double Value,
    [property: Id(5)] double Threshold,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
