using Granary.Runtime.Redis.Streams;

namespace Granary.Streams;

/// <summary>Named (durable) subscriptions on streams of providers that support them, such as Redis Streams.</summary>
public static class DurableStreamExtensions
{
    /// <summary>
    /// Subscribes under a durable name, optionally from a position; see
    /// <see cref="IDurableAsyncStream{T}.SubscribeAsync(string, Func{T, StreamSequenceToken?, Task}, StreamSequenceToken?, CancellationToken)"/>.
    /// Throws <see cref="NotSupportedException"/> for a stream whose provider keeps no subscriptions (the in-memory one).
    /// </summary>
    public static Task<StreamSubscriptionHandle> SubscribeAsync<T>(this IAsyncStream<T> stream, string subscriptionName, Func<T, StreamSequenceToken?, Task> onNext, StreamSequenceToken? from = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream is IDurableAsyncStream<T> durable
            ? durable.SubscribeAsync(subscriptionName, onNext, from, cancellationToken)
            : throw new NotSupportedException($"Stream {stream.Id} ({stream.GetType().Name}) does not support named subscriptions; use a persistent provider such as AddRedisStreams.");
    }
}
