using Granary.Streams;

namespace Granary.Runtime.Redis.Streams;

/// <summary>
/// A persistent stream whose subscriptions can be named. A named subscription is durable: its position is kept by
/// the stream's storage (a Redis consumer group), so a subscriber that subscribes again with the same name, after a
/// restart or on another silo, resumes after the last event it acknowledged. Several subscribers using one name at
/// once share its events (each event goes to one of them).
/// </summary>
public interface IDurableAsyncStream<T> : IAsyncStream<T>
{
    /// <summary>
    /// Subscribes <paramref name="onNext"/> under <paramref name="subscriptionName"/>. Without
    /// <paramref name="from"/>, a new name receives events published from now on and an existing one resumes where it
    /// left off. With <paramref name="from"/> (a token a handler received, or <see cref="RedisStreamPositions.Beginning"/>),
    /// the subscription is moved so that the event at that position and every later one are delivered again (replay).
    /// An event is acknowledged only after the handler completed without throwing; an event whose handler threw, or
    /// whose subscriber died, is delivered again once it has waited <c>RedisStreamOptions.ClaimIdleTime</c>
    /// (at-least-once). Called from a grain, the handler runs as a turn of that grain.
    /// </summary>
    Task<StreamSubscriptionHandle> SubscribeAsync(string subscriptionName, Func<T, StreamSequenceToken?, Task> onNext, StreamSequenceToken? from = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the named subscription and its position; events not yet acknowledged under it are dropped.</summary>
    Task DeleteSubscriptionAsync(string subscriptionName, CancellationToken cancellationToken = default);
}
