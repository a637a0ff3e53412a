using Granary.Runtime.Activations;

namespace Granary.Runtime.Messaging;

/// <summary>A call between grains (or silo code and a grain) on the same silo: arguments and result are deep-copied.</summary>
internal sealed class LocalRequest : IncomingRequest
{
    private readonly SiloRuntime _silo;
    private readonly OutstandingCall _call;

    public LocalRequest(SiloRuntime silo, OutstandingCall call)
    {
        _silo = silo;
        _call = call;
        CallChain = call.CallChain;
        DeadlineTicks = call.DeadlineTicks;
    }

    public override Invocation.Invokable? Invokable => _call.Invokable;

    public override bool RunsInline => true;

    public override void Complete(object? result)
    {
        if (!_call.IsOneWay)
        {
            _silo.Complete(_call, _call.Invokable.CopyResult(result, _silo.Invoker));
        }
    }

    public override void Fail(Exception exception) => _silo.Fail(_call, exception);

    public override void Reroute(string reason) => _silo.Reroute(_call, null, reason);

    public override void Expire() => _silo.Fail(_call, new GrainCallTimeoutException($"{_call} timed out after {_call.Timeout} before it could start."));
}
