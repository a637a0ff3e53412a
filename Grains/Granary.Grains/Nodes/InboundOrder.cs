using System.Diagnostics;
using Granary.Grains.Identity;

namespace Granary.Grains.Nodes;

/// <summary>
/// Puts the messages other nodes' instances send here back in the order they were sent (see <see cref="RemoteNode"/>):
/// a message that arrives before one numbered lower waits for it. A gap that stays open for <see cref="GapTimeout"/>
/// (a message lost with a silo, or a sender that kept its numbers while this node restarted) is given up when the
/// next message of that sender arrives: what waited is delivered, in order. Messages numbered 0 are not ordered.
/// </summary>
internal sealed class InboundOrder
{
    public static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<InstanceId, Sender> _senders = [];

    /// <summary>Runs <paramref name="deliver"/> once every earlier message of <paramref name="source"/> was delivered.</summary>
    public void Receive(InstanceId source, long sequence, Action deliver)
    {
        if (sequence <= 0)
        {
            deliver();
            return;
        }

        lock (_senders)
        {
            if (!_senders.TryGetValue(source, out var sender))
            {
                sender = new Sender();
                _senders[source] = sender;
            }

            if (sequence < sender.Expected)
            {
                // Behind a gap given up earlier: late, but not lost.
                deliver();
                return;
            }

            if (sequence > sender.Expected)
            {
                if (sender.Waiting.Count == 0)
                {
                    sender.WaitingSince = Stopwatch.GetTimestamp();
                }

                sender.Waiting[sequence] = deliver;
                if (Stopwatch.GetElapsedTime(sender.WaitingSince) > GapTimeout)
                {
                    sender.Expected = sender.Waiting.Keys.First();
                    DeliverReady(sender);
                }

                return;
            }

            deliver();
            sender.Expected++;
            DeliverReady(sender);
        }
    }

    /// <summary>Forgets a sender that stopped.</summary>
    public void Forget(InstanceId source)
    {
        lock (_senders)
        {
            _senders.Remove(source);
        }
    }

    private static void DeliverReady(Sender sender)
    {
        while (sender.Waiting.Remove(sender.Expected, out var next))
        {
            next();
            sender.Expected++;
        }

        sender.WaitingSince = Stopwatch.GetTimestamp();
    }

    private sealed class Sender
    {
        public long Expected { get; set; } = 1;

        public SortedDictionary<long, Action> Waiting { get; } = [];

        public long WaitingSince { get; set; }
    }
}
