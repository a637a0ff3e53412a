namespace Granary.Streams;

/// <summary>A subscription; dispose or unsubscribe to stop receiving.</summary>
public abstract class StreamSubscriptionHandle : IAsyncDisposable
{
    public abstract Guid SubscriptionId { get; }

    public abstract StreamId StreamId { get; }

    public abstract Task UnsubscribeAsync(CancellationToken cancellationToken = default);

    public async ValueTask DisposeAsync()
    {
        await UnsubscribeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
