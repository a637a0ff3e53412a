using Granary.Invocation;

namespace Granary.Runtime.Activations;

/// <summary>
/// A unit of work for an activation: a grain call (local or from the network), a timer tick, or a stream delivery.
/// The activation admits it as a turn and reports how it ended.
/// </summary>
internal abstract class IncomingRequest
{
    /// <summary>The method to call; null for work that is not a grain method (timer ticks, deliveries).</summary>
    public abstract Invokable? Invokable { get; }

    /// <summary>Grains waiting on this request, for call-chain reentrancy.</summary>
    public GrainId[]? CallChain { get; init; }

    /// <summary>Environment.TickCount64 after which the caller no longer waits; long.MaxValue for none.</summary>
    public long DeadlineTicks { get; init; } = long.MaxValue;

    /// <summary>May run on the enqueuing thread when the activation is free (calls from code on the same silo).</summary>
    public virtual bool RunsInline => false;

    /// <summary>May start while another turn of the activation is awaiting.</summary>
    public virtual bool AlwaysInterleave => Invokable?.Method.AlwaysInterleave ?? false;

    /// <summary>Runs the work on the activation's context (called on its work queue).</summary>
    public virtual ValueTask<object?> RunAsync(object grain) => Invokable!.InvokeAsync(grain);

    public abstract void Complete(object? result);

    public abstract void Fail(Exception exception);

    /// <summary>The activation cannot take the request (deactivated meanwhile): route it again.</summary>
    public abstract void Reroute(string reason);

    /// <summary>The request expired before it started.</summary>
    public virtual void Expire() => Fail(new GrainCallTimeoutException($"{this} expired before it could start."));

    public override string ToString() => Invokable?.Method.DisplayName ?? GetType().Name;
}
