using Granary.Grains.Nodes;

namespace Granary.Grains.Placement;

/// <summary>
/// What placement knows about a candidate node: its identity, its capabilities and the resource providers it hosts.
/// </summary>
/// <param name="NodeId">The node id (a UUID, as in EDGELESS).</param>
/// <param name="Capabilities">The capabilities the node reported at registration.</param>
[GenerateSerializer]
public sealed record NodeDescriptor([property: Id(0)] Guid NodeId, [property: Id(2)] NodeCapabilities Capabilities)
{

    /// <summary>A human-readable name, matched by <c>node_id_match_any</c> items that are not UUIDs; may be empty.</summary>
    [Id(1)]
    public string Name { get; init; } = string.Empty;

    /// <summary>The resource providers hosted by the node.</summary>
    [Id(3)]
    public IReadOnlyList<ResourceProviderDescriptor> ResourceProviders { get; init; } = [];

    /// <summary>The name when there is one, otherwise the node id: how placement reasons refer to the node.</summary>
    public string DisplayName => Name.Length > 0 ? Name : NodeId.ToString();
}
