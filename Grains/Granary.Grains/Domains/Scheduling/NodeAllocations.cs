using Granary.Grains.Placement;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// What the instances placed on each node requested, summed per node, and their E-PVM load (an instance that requests
/// nothing weighs <see cref="EpvmScorer.NominalRequest"/>); turns nodes into <see cref="PlacementCandidate"/>s.
/// </summary>
public sealed class NodeAllocations
{
    private readonly Dictionary<Guid, (ResourceRequest Allocated, ResourceRequest Load)> _nodes = [];

    /// <summary>Counts one instance on <paramref name="nodeId"/> that requested <paramref name="request"/>.</summary>
    public void Add(Guid nodeId, ResourceRequest request)
    {
        var (allocated, load) = _nodes.GetValueOrDefault(nodeId);
        _nodes[nodeId] = (allocated + request, load + EpvmScorer.LoadOf(request));
    }

    /// <summary>The node as a placement candidate, with what its instances requested.</summary>
    public PlacementCandidate Candidate(NodeDescriptor node, long order)
    {
        var (allocated, load) = _nodes.GetValueOrDefault(node.NodeId);
        return new PlacementCandidate(node, order, allocated, load);
    }
}
