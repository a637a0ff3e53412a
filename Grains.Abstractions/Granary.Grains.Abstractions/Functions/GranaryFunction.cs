using Granary.Grains.Identity;

namespace Granary.Grains.Functions;

/// <summary>
/// Convenience base for .NET functions: keeps the context, and answers the callbacks a function does not override
/// (casts ignored, calls answered with no reply, stop does nothing).
/// </summary>
public abstract class GranaryFunction : IGranaryFunction
{
    private IFunctionContext? _context;

    /// <summary>The instance's context, available from <see cref="InitAsync"/> on.</summary>
    protected IFunctionContext Context => _context ?? throw new InvalidOperationException("The function has not been initialised.");

    public virtual Task InitAsync(IFunctionContext context, string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _context = context;
        return OnInitAsync(initPayload, state, cancellationToken);
    }

    /// <summary>Override to initialise; the context is set already.</summary>
    protected virtual Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        Task.FromResult(CallResult.NoReply);

    public virtual Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
