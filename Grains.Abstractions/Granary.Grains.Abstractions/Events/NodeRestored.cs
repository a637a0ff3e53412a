using Granary.Grains.Nodes;

namespace Granary.Grains.Events;

/// <summary>
/// A limited or tainted node's usage stayed below the release level for the required samples: its limits are lifted,
/// it takes placements again and the instances it had stopped are started again.
/// </summary>
/// <param name="NodeId">The node.</param>
/// <param name="DomainId">Its domain.</param>
/// <param name="Metric">The resource closest to its threshold in the sample that decided.</param>
/// <param name="Value">Its use in that sample, in percent.</param>
/// <param name="Release">The release level every resource was below, in percent.</param>
/// <param name="Timestamp">When the domain decided.</param>
[GenerateSerializer]
public sealed record NodeRestored(
    [property: Id(1)] Guid NodeId,
    [property: Id(2)] string DomainId,
    [property: Id(3)] ProtectedResource Metric,
    [property: Id(4)] double Value,
    [property: Id(5)] double Release,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
