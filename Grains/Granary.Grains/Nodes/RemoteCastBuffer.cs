using System.Diagnostics;
using System.Runtime.InteropServices;
using Granary.Grains.Identity;

namespace Granary.Grains.Nodes;

/// <summary>
/// The casts one instance made to instances on other nodes while its mailbox still had work: they leave as one
/// message per target node (in the order they were made) instead of one message per event. The buffer is sent when
/// the mailbox runs dry, when it holds <see cref="MaxEvents"/> events or <see cref="MaxBytes"/> bytes, when a turn
/// starts after its oldest event has waited <see cref="MaxDelay"/>, and before anything that must not overtake it (a
/// call, an awaited callback). Used only by the instance's mailbox loop, one thread at a time.
/// </summary>
internal sealed class RemoteCastBuffer
{
    public const int MaxEvents = 64;

    public const int MaxBytes = 64 * 1024;

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(1);

    private static readonly long MaxDelayTicks = (long)(MaxDelay.TotalSeconds * Stopwatch.Frequency);

    private readonly List<NodeCasts> _nodes = [];
    private int _events;
    private int _bytes;
    private long _oldest;

    public bool IsEmpty => _events == 0;

    /// <summary>True when the oldest buffered event has waited longer than <see cref="MaxDelay"/>.</summary>
    public bool IsOverdue => _events > 0 && Stopwatch.GetTimestamp() - _oldest > MaxDelayTicks;

    /// <summary>Buffers a cast; returns true when the buffer is full and should be sent.</summary>
    public bool Add(InstanceId target, ReadOnlyMemory<byte> payload)
    {
        if (_events == 0)
        {
            _oldest = Stopwatch.GetTimestamp();
        }

        NodeCasts? casts = null;
        foreach (var n in _nodes)
        {
            if (n.Node == target.NodeId)
            {
                casts = n;
                break;
            }
        }

        if (casts is null)
        {
            casts = new NodeCasts(target.NodeId);
            _nodes.Add(casts);
        }

        casts.Targets.Add(target);
        // Like a local cast, which keeps the sender's memory until it is delivered, a whole array is kept as it is.
        casts.Payloads.Add(MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray());
        _events++;
        _bytes += payload.Length;
        return _events >= MaxEvents || _bytes >= MaxBytes;
    }

    /// <summary>Sends the buffered casts of <paramref name="source"/>, one message per target node, and empties the buffer.</summary>
    public void Send(NodeRuntime node, InstanceId source)
    {
        if (_events == 0)
        {
            return;
        }

        for (var i = 0; i < _nodes.Count; i++)
        {
            var casts = _nodes[i];
            if (casts.Targets.Count == 1)
            {
                node.SendRemote(casts.Targets[0], source, casts.Payloads[0]);
            }
            else if (casts.Targets.Count > 1)
            {
                node.SendRemote(casts.Node, source, [.. casts.Targets], [.. casts.Payloads]);
            }

            casts.Targets.Clear();
            casts.Payloads.Clear();
        }

        if (_nodes.Count > 8)
        {
            // Do not keep lists for every node this instance ever talked to.
            _nodes.Clear();
        }

        _events = 0;
        _bytes = 0;
    }

    private sealed class NodeCasts(Guid node)
    {
        public Guid Node { get; } = node;

        public List<InstanceId> Targets { get; } = [];

        public List<byte[]> Payloads { get; } = [];
    }
}
