using Granary.Invocation;

namespace Granary.Runtime.Messaging;

/// <summary>A decoded frame: a request (with its invokable), a response, or a ping.</summary>
internal sealed class Message
{
    public MessageKind Kind { get; init; }

    public long Id { get; init; }

    // Requests.
    public GrainId Target { get; init; }

    public Invokable? Body { get; init; }

    /// <summary>Milliseconds left before the caller gives up, as sent.</summary>
    public long TimeoutMs { get; init; }

    /// <summary>Grains waiting on this call, outermost first, for call-chain reentrancy.</summary>
    public GrainId[]? CallChain { get; init; }

    /// <summary>The sender chose this silo to create the activation (placement) or found it in the directory.</summary>
    public int ForwardCount { get; init; }

    // Responses.
    public ResponseStatus Status { get; init; }

    public object? Result { get; init; }

    public Exception? Exception { get; init; }

    public string? RejectionReason { get; init; }

    public SiloAddress? ForwardTo { get; init; }

    public override string ToString() => Kind switch
    {
        MessageKind.Request or MessageKind.OneWay => $"{Kind} #{Id} {Body?.Method} -> {Target}",
        MessageKind.Response => $"Response #{Id} {Status}",
        _ => $"{Kind} #{Id}",
    };
}
