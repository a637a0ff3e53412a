using System.Collections.Concurrent;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Grains.Nodes;

/// <summary>
/// The way to another node's grain. Orleans does not promise order between separate messages (the first ones to a
/// grain wait for its address while later ones may not, and silos may talk over more than one connection), so every
/// message an instance sends to a node carries its number among those (from 1); the receiving node's
/// <see cref="InboundOrder"/> delivers them in that order.
/// </summary>
internal sealed class RemoteNode(INodeGrain grain)
{
    private readonly ConcurrentDictionary<InstanceId, long> _sent = new();

    public INodeGrain Grain { get; } = grain;

    /// <summary>The number of the next message from <paramref name="source"/> to this node.</summary>
    public long Next(InstanceId source) => _sent.AddOrUpdate(source, 1, static (_, last) => last + 1);

    /// <summary>Forgets an instance that stopped: it sends nothing more.</summary>
    public void Forget(InstanceId source) => _sent.TryRemove(source, out _);
}
