using Granary.Grains.Identity;
using Granary.Grains.Nodes;

namespace Granary.Grains.Protection;

/// <summary>
/// The protection of one domain's nodes: a <see cref="NodeProtection"/> per node (thresholds resolved for the domain
/// and the node's labels when its first sample arrives), the throttle each node was last sent, and the functions a
/// tainted node stopped for want of another node, to start again there when it is restored. The domain grain feeds it
/// samples and carries out what it answers.
/// </summary>
public sealed class DomainProtection(ProtectionOptions options, string domainId)
{
    private readonly Dictionary<Guid, NodeProtection> _nodes = [];
    private readonly Dictionary<Guid, NodeThrottle> _sent = [];
    private readonly Dictionary<Guid, List<LogicalFunctionId>> _stopped = [];

    /// <summary>Whether the domain acts on samples (<see cref="ProtectionOptions.Enabled"/>).</summary>
    public bool Enabled => options.Enabled;

    /// <summary>The state of <paramref name="nodeId"/>; normal for a node that sent no sample yet.</summary>
    public NodeProtectionState StateOf(Guid nodeId) => _nodes.TryGetValue(nodeId, out var node) ? node.State : NodeProtectionState.Normal;

    /// <summary>True when <paramref name="nodeId"/> takes no new placements.</summary>
    public bool IsTainted(Guid nodeId) => StateOf(nodeId) == NodeProtectionState.Tainted;

    /// <summary>Feeds the node's samples in order; answers one step per sample that was newer than the last.</summary>
    public List<ProtectionStep> Observe(Guid nodeId, IEnumerable<string> labels, IEnumerable<NodeUsage> samples)
    {
        var steps = new List<ProtectionStep>();
        if (!Enabled)
        {
            return steps;
        }

        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            _nodes[nodeId] = node = new NodeProtection(options.Resolve(domainId, labels));
        }

        foreach (var sample in samples.OrderBy(s => s.At))
        {
            if (node.Observe(sample) is { } step)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    /// <summary>The throttle the node must run with now, when it differs from the one it was last sent; null otherwise.</summary>
    public NodeThrottle? ThrottleToSend(Guid nodeId)
    {
        var wanted = StateOf(nodeId) == NodeProtectionState.Normal ? NodeThrottle.None : options.LimitedThrottle;
        var sent = _sent.TryGetValue(nodeId, out var last) ? last : NodeThrottle.None;
        return wanted == sent ? null : wanted;
    }

    /// <summary>Records that the node applied <paramref name="throttle"/>.</summary>
    public void Sent(Guid nodeId, NodeThrottle throttle) => _sent[nodeId] = throttle;

    /// <summary>Remembers that the tainted node stopped an instance of <paramref name="function"/>.</summary>
    public void RememberStopped(Guid nodeId, LogicalFunctionId function)
    {
        if (!_stopped.TryGetValue(nodeId, out var list))
        {
            _stopped[nodeId] = list = [];
        }

        list.Add(function);
    }

    /// <summary>The functions the node stopped while tainted, forgotten here.</summary>
    public List<LogicalFunctionId> TakeStopped(Guid nodeId) => _stopped.Remove(nodeId, out var list) ? list : [];

    /// <summary>Forgets a node that was lost or restarted (it runs nothing of what was remembered, and no throttle).</summary>
    public void Forget(Guid nodeId)
    {
        _nodes.Remove(nodeId);
        _sent.Remove(nodeId);
        _stopped.Remove(nodeId);
    }
}
