using Granary.Grains.Functions;
using Granary.Grains.Identity;

namespace Granary.Grains.Execution;

/// <summary>
/// One running component instance. The node calls it one event at a time (never concurrently); an exception
/// from any callback means the instance crashed.
/// </summary>
public interface IFunctionInstance : IAsyncDisposable
{
    Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken);

    Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}
