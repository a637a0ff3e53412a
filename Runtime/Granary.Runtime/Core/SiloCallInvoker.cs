using Granary.Invocation;
using Granary.Runtime.Activations;
using Granary.Runtime.Messaging;

namespace Granary.Runtime;

/// <summary>
/// The call invoker of references created on a silo: extends the caller's call chain, applies the deadline
/// (per-call scope, method attribute, or the default), copies arguments, and hands the call to the silo runtime.
/// </summary>
internal sealed class SiloCallInvoker(SiloRuntime silo) : IGrainCallInvoker
{
    public Task<T> InvokeAsync<T>(GrainReference target, Invokable invokable)
    {
        var sink = new PendingCall<T>();
        silo.Send(Prepare(target, invokable, sink));
        return sink.Task;
    }

    public void InvokeOneWay(GrainReference target, Invokable invokable) => silo.Send(Prepare(target, invokable, null));

    private OutstandingCall Prepare(GrainReference target, Invokable invokable, ResponseSink? sink)
    {
        var context = RuntimeContext.Current;
        var chain = context is not null && ReferenceEquals(context.Activation.GrainFactory, silo.GrainFactory) ? context.OutgoingChain() : null;
        var timeout = GrainCallOptions.CurrentTimeout ?? invokable.Method.ResponseTimeout ?? silo.MessagingOptions.ResponseTimeout;
        invokable.CopyArguments(this);
        return new OutstandingCall(silo.NextId(), target.GrainId, invokable, sink, chain, Environment.TickCount64 + (long)timeout.TotalMilliseconds, timeout);
    }

    public object CreateReference(Type interfaceType, GrainId grainId) => GrainInterfaceRegistry.GetProxyFactory(interfaceType)(this, grainId);
}
