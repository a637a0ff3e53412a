using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Protection;

namespace Granary.Grains.Platform;

/// <summary>A registered node: its description, last health report, and whether it is cordoned.</summary>
[GenerateSerializer]
public sealed record NodeSnapshot
{
    [Id(0)]
    public NodeDescriptor Descriptor { get; init; } = new(Guid.Empty, new NodeCapabilities());

    [Id(1)]
    public NodeHealth Health { get; init; } = new();

    /// <summary>True when the node takes no new placements (its running instances stay).</summary>
    [Id(2)]
    public bool Cordoned { get; init; }

    /// <summary>The node's protection state: normal, limited (throttled) or tainted (no new placements, shedding).</summary>
    [Id(10)]
    public NodeProtectionState Protection { get; init; }
}
