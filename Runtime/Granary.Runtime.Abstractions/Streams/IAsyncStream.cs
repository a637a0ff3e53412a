namespace Granary.Streams;

/// <summary>Publish to and subscribe to one stream.</summary>
public interface IAsyncStream<T>
{
    StreamId Id { get; }

    /// <summary>Publishes <paramref name="item"/> to every current subscriber, wherever it runs.</summary>
    Task OnNextAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes <paramref name="onNext"/>. Called from a grain, the handler runs as a turn of that grain; otherwise
    /// on the thread pool, one item at a time per subscription, in publication order per publisher.
    /// </summary>
    Task<StreamSubscriptionHandle> SubscribeAsync(Func<T, StreamSequenceToken?, Task> onNext, CancellationToken cancellationToken = default);
}
