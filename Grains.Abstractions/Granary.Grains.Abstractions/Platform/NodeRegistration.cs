using Granary.Grains.Nodes;
using Granary.Grains.Placement;

namespace Granary.Grains.Platform;

/// <summary>
/// A node's registration or refresh with its domain: who it is, its health now, the random nonce of this start (a
/// new nonce means the node restarted and lost its instances), how often it refreshes (its deadline is twice that),
/// and the performance samples collected since the previous refresh (empty unless the node collects them).
/// </summary>
[GenerateSerializer]
public sealed record NodeRegistration
{
    [Id(0)]
    public required NodeDescriptor Node { get; init; }

    [Id(1)]
    public NodeHealth Health { get; init; } = new();

    [Id(2)]
    public required Guid Nonce { get; init; }

    [Id(3)]
    public required TimeSpan RefreshInterval { get; init; }

    [Id(4)]
    public List<FunctionExecutionSample> Performance { get; init; } = [];

    /// <summary>
    /// Protection: the usage samples the node took since its previous refresh (one per
    /// <c>Granary:Protection:SampleInterval</c>), oldest first; the domain feeds them to its protection in order.
    /// </summary>
    [Id(10)]
    public List<NodeUsage> Usage { get; init; } = [];
}
