using System.Collections.Concurrent;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Grains.Nodes;

/// <summary>
/// The way to another node's grain. Orleans does not promise order between separate messages (the first ones to a
/// grain wait for its address while later ones may not, and silos may talk over more than one connection), so every
/// message an instance sends to a node carries its number among those; the receiving node's
/// <see cref="InboundOrder"/> delivers them in that order.
/// </summary>
/// <remarks>
/// A number is a <see cref="MessageNumber"/>: a run and a position in the run, from 1. A source that sent nothing
/// to this node for <see cref="MessageNumber.NewRunAfter"/> starts a new run, so the receiving node may forget
/// sources that fell silent without making their next message wait for the ones before it.
/// </remarks>
internal sealed class RemoteNode(INodeGrain grain, TimeProvider time)
{
    private readonly ConcurrentDictionary<InstanceId, Numbering> _sent = new();

    public INodeGrain Grain { get; } = grain;

    /// <summary>The number of the next message from <paramref name="source"/> to this node.</summary>
    public long Next(InstanceId source)
    {
        var numbering = _sent.GetOrAdd(source, static _ => new Numbering());
        var now = time.GetTimestamp();
        lock (numbering)
        {
            if (numbering.Position == 0 || time.GetElapsedTime(numbering.LastSent, now) >= MessageNumber.NewRunAfter)
            {
                numbering.Run++;
                numbering.Position = 0;
            }

            numbering.LastSent = now;
            return MessageNumber.Encode(numbering.Run, ++numbering.Position);
        }
    }

    /// <summary>Forgets an instance that stopped: it sends nothing more.</summary>
    public void Forget(InstanceId source) => _sent.TryRemove(source, out _);

    private sealed class Numbering
    {
        public long Run { get; set; }

        public long Position { get; set; }

        public long LastSent { get; set; }
    }
}

/// <summary>
/// How a message number packs a run (high bits) and a position in the run (low <see cref="PositionBits"/> bits, from 1).
/// Zero means "not ordered".
/// </summary>
internal static class MessageNumber
{
    public const int PositionBits = 40;

    /// <summary>A source silent this long towards a node starts a new run of numbers there.</summary>
    public static readonly TimeSpan NewRunAfter = TimeSpan.FromMinutes(5);

    public static long Encode(long run, long position) => (run << PositionBits) | position;

    public static long Run(long number) => number >>> PositionBits;

    public static long Position(long number) => number & ((1L << PositionBits) - 1);
}
