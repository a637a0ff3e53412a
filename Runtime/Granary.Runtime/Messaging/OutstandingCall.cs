using Granary.Invocation;
using Granary.Runtime.Transport;

namespace Granary.Runtime.Messaging;

/// <summary>
/// A call this silo (or client) made and still waits for: in the pending table from the start until its result,
/// its error, its deadline or the loss of the connection it was sent on, whichever comes first.
/// </summary>
internal sealed class OutstandingCall(long id, GrainId target, Invokable invokable, ResponseSink? sink, GrainId[]? callChain, long deadlineTicks, TimeSpan timeout)
{
    public long Id { get; } = id;

    public GrainId Target { get; } = target;

    public Invokable Invokable { get; } = invokable;

    /// <summary>Null for one-way calls.</summary>
    public ResponseSink? Sink { get; } = sink;

    public GrainId[]? CallChain { get; } = callChain;

    public long DeadlineTicks { get; } = deadlineTicks;

    public TimeSpan Timeout { get; } = timeout;

    public long StartTimestamp { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public int ForwardCount { get; set; }

    /// <summary>The connection the request was last sent on (null while local or not yet sent).</summary>
    public Connection? SentOn { get; set; }

    public bool IsOneWay => Sink is null;

    public long RemainingMs => Math.Max(1, DeadlineTicks - Environment.TickCount64);

    public override string ToString() => $"{Invokable.Method.DisplayName} on {Target}";
}
