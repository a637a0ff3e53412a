using Granary.Grains.Identity;

namespace Granary.Grains.Functions;

/// <summary>
/// A function written in .NET (function type DOTNET). The node creates one object per instance and calls it one
/// event at a time: init, then casts and calls, then stop. An exception escaping a callback marks the instance as
/// crashed; the orchestrator restarts it.
/// </summary>
public interface IGranaryFunction
{
    /// <summary>
    /// Called once before any event. <paramref name="initPayload"/> is the annotation init-payload verbatim;
    /// <paramref name="state"/> is the last state saved with <see cref="IFunctionContext.SyncAsync"/>, or null.
    /// </summary>
    Task InitAsync(IFunctionContext context, string? initPayload, byte[]? state, CancellationToken cancellationToken);

    /// <summary>Handles a one-way event from <paramref name="source"/>.</summary>
    Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>Handles a call; returns a reply, no reply, or an error.</summary>
    Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>Called once when the instance stops.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
