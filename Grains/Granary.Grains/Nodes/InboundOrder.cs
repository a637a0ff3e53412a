using Granary.Grains.Identity;

namespace Granary.Grains.Nodes;

/// <summary>
/// Puts the messages other nodes' instances send here back in the order they were sent (see <see cref="RemoteNode"/>):
/// a message that arrives before one numbered lower waits for it. A gap that stays open for <see cref="GapTimeout"/>
/// (a message lost with a silo, or a sender that kept its numbers while this node restarted) is given up: what waited
/// is delivered, in order, by the next message of that sender or by the sweep that runs every
/// <see cref="SweepPeriod"/>, whichever comes first. Messages numbered 0 are not ordered.
/// </summary>
/// <remarks>
/// Senders number their messages in runs (<see cref="MessageNumber"/>) and start a new run after
/// <see cref="MessageNumber.NewRunAfter"/> of silence, so a sender silent for <see cref="ForgetAfter"/> (longer than
/// that) is forgotten here: instances come and go, and nothing else would ever remove them.
/// </remarks>
internal sealed class InboundOrder : IDisposable
{
    public static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan ForgetAfter = 2 * MessageNumber.NewRunAfter;

    private readonly Dictionary<InstanceId, Sender> _senders = [];
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;

    public InboundOrder(TimeProvider time)
    {
        _time = time;
        _sweep = time.CreateTimer(static state => ((InboundOrder)state!).Sweep(), this, SweepPeriod, SweepPeriod);
    }

    /// <summary>The senders remembered now (for tests and diagnostics).</summary>
    public int SenderCount
    {
        get
        {
            lock (_senders)
            {
                return _senders.Count;
            }
        }
    }

    /// <summary>Runs <paramref name="deliver"/> once every earlier message of <paramref name="source"/> was delivered.</summary>
    public void Receive(InstanceId source, long number, Action deliver)
    {
        if (number <= 0)
        {
            deliver();
            return;
        }

        var run = MessageNumber.Run(number);
        var position = MessageNumber.Position(number);
        lock (_senders)
        {
            var now = _time.GetTimestamp();
            if (!_senders.TryGetValue(source, out var sender))
            {
                sender = new Sender { Run = run };
                _senders[source] = sender;
            }

            sender.LastHeard = now;
            if (run < sender.Run)
            {
                // From a run the sender ended minutes ago: late, but not lost.
                deliver();
                return;
            }

            if (run > sender.Run)
            {
                // The sender fell silent and started over: what still waited from its old run goes first.
                GiveUpGap(sender);
                sender.Run = run;
                sender.Expected = 1;
            }

            if (position < sender.Expected)
            {
                // Behind a gap given up earlier: late, but not lost.
                deliver();
                return;
            }

            if (position > sender.Expected)
            {
                if (sender.Waiting.Count == 0)
                {
                    sender.WaitingSince = now;
                }

                sender.Waiting[position] = deliver;
                if (_time.GetElapsedTime(sender.WaitingSince, now) > GapTimeout)
                {
                    GiveUpGap(sender);
                }

                return;
            }

            deliver();
            sender.Expected++;
            DeliverReady(sender);
        }
    }

    /// <summary>Gives up gaps open longer than <see cref="GapTimeout"/> and forgets senders silent for <see cref="ForgetAfter"/>.</summary>
    public void Sweep()
    {
        lock (_senders)
        {
            var now = _time.GetTimestamp();
            List<InstanceId>? silent = null;
            foreach (var (source, sender) in _senders)
            {
                if (sender.Waiting.Count > 0 && _time.GetElapsedTime(sender.WaitingSince, now) > GapTimeout)
                {
                    GiveUpGap(sender);
                }

                if (sender.Waiting.Count == 0 && _time.GetElapsedTime(sender.LastHeard, now) >= ForgetAfter)
                {
                    (silent ??= []).Add(source);
                }
            }

            foreach (var source in silent ?? [])
            {
                _senders.Remove(source);
            }
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>Delivers everything waiting, in order, as if the missing messages had arrived.</summary>
    private void GiveUpGap(Sender sender)
    {
        if (sender.Waiting.Count > 0)
        {
            sender.Expected = sender.Waiting.Keys.First();
            DeliverReady(sender);
        }
    }

    private void DeliverReady(Sender sender)
    {
        while (sender.Waiting.Remove(sender.Expected, out var next))
        {
            next();
            sender.Expected++;
        }

        sender.WaitingSince = _time.GetTimestamp();
    }

    private sealed class Sender
    {
        public long Run { get; set; }

        public long Expected { get; set; } = 1;

        public SortedDictionary<long, Action> Waiting { get; } = [];

        public long WaitingSince { get; set; }

        public long LastHeard { get; set; }
    }
}
