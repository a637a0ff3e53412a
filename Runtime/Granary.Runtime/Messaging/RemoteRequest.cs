using Granary.Runtime.Activations;
using Granary.Runtime.Transport;

namespace Granary.Runtime.Messaging;

/// <summary>A request from another silo, answered on the connection it came from.</summary>
internal sealed class RemoteRequest(SiloRuntime silo, Connection connection, Message message) : IncomingRequest
{
    public override Invocation.Invokable? Invokable => message.Body;

    public override void Complete(object? result) =>
        connection.Send((message, result), static (w, s, v) => MessageCodec.WriteOkResponse(w, s.message.Id, s.message.Body!, s.result, v));

    public override void Fail(Exception exception) => silo.SendError(connection, message.Id, exception);

    public override void Reroute(string reason)
    {
        silo.DirectoryCache.TryGetValue(message.Target, out var known);
        silo.SendRejection(connection, message.Id, ResponseStatus.NotHere, reason, known?.Silo == silo.Address ? null : known?.Silo);
    }

    public override void Expire()
    {
        // The caller has given up already; answering would only be dropped.
    }
}

/// <summary>A one-way request from another silo: nothing is answered; failures are logged by the runtime.</summary>
internal sealed class OneWayRemoteRequest(SiloRuntime silo, Message message) : IncomingRequest
{
    public override Invocation.Invokable? Invokable => message.Body;

    public override void Complete(object? result)
    {
    }

    public override void Fail(Exception exception) =>
        silo.Fail(new OutstandingCall(0, message.Target, message.Body!, null, message.CallChain, DeadlineTicks, TimeSpan.Zero), exception);

    public override void Reroute(string reason) =>
        silo.Route(new OutstandingCall(silo.NextId(), message.Target, message.Body!, null, message.CallChain, DeadlineTicks, TimeSpan.Zero) { ForwardCount = message.ForwardCount + 1 });
}

/// <summary>Relays the outcome of a call made on a client's behalf back to the client.</summary>
internal sealed class RelaySink(Connection client, long clientRequestId, Invocation.Invokable invokable) : ResponseSink
{
    public override void SetResult(object? result) =>
        client.Send((clientRequestId, invokable, result), static (w, s, v) => MessageCodec.WriteOkResponse(w, s.clientRequestId, s.invokable, s.result, v));

    public override void SetException(Exception exception) =>
        client.Send((clientRequestId, exception), static (w, s, v) => MessageCodec.Write(w, new Message { Kind = MessageKind.Response, Id = s.clientRequestId, Status = ResponseStatus.Error, Exception = s.exception }, v));
}
