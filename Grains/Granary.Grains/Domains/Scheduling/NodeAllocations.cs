using Granary.Grains.Placement;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// What the instances placed on each node requested, summed per node, and their E-PVM load (an instance that requests
/// nothing weighs <see cref="EpvmScorer.NominalRequest"/>); turns nodes into <see cref="PlacementCandidate"/>s. A domain
/// keeps one, updated by its functions' <see cref="PlacedInstances"/> as instances come and go.
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

    /// <summary>Stops counting one instance on <paramref name="nodeId"/> that requested <paramref name="request"/>.</summary>
    public void Remove(Guid nodeId, ResourceRequest request)
    {
        var (allocated, load) = _nodes.GetValueOrDefault(nodeId);
        var left = (allocated - request, load - EpvmScorer.LoadOf(request));
        if (left == default)
        {
            _nodes.Remove(nodeId);
        }
        else
        {
            _nodes[nodeId] = left;
        }
    }

    /// <summary>The node as a placement candidate, with what its instances requested.</summary>
    public PlacementCandidate Candidate(NodeDescriptor node, long order)
    {
        var (allocated, load) = _nodes.GetValueOrDefault(node.NodeId);
        return new PlacementCandidate(node, order, allocated, load);
    }
}
