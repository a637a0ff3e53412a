namespace Granary.Redis;

/// <summary>
/// Pub/sub on a dedicated connection. Subscriptions survive reconnects: after the socket is re-established every
/// channel and pattern is subscribed again before other commands are sent. Messages published while the socket
/// was down are lost (that is Redis pub/sub semantics; use streams for durable delivery).
/// </summary>
public interface IRedisSubscriber
{
    /// <summary>
    /// Subscribes to <paramref name="channel"/> and calls <paramref name="handler"/> for each message, in order, on
    /// the connection's reader loop: keep it short and non-blocking (hand work off to a channel or task). An
    /// exception from the handler is logged and does not affect other subscriptions. Completes once the server
    /// confirmed the subscription.
    /// </summary>
    Task<RedisSubscription> SubscribeAsync(string channel, Action<RedisMessage> handler, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to <paramref name="channel"/> and buffers messages, unbounded, in
    /// <see cref="RedisSubscription.Messages"/>. Completes once the server confirmed the subscription.
    /// </summary>
    Task<RedisSubscription> SubscribeAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="SubscribeAsync(string, Action{RedisMessage}, CancellationToken)"/> for a glob-style pattern (PSUBSCRIBE).</summary>
    Task<RedisSubscription> PatternSubscribeAsync(string pattern, Action<RedisMessage> handler, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="SubscribeAsync(string, CancellationToken)"/> for a glob-style pattern (PSUBSCRIBE).</summary>
    Task<RedisSubscription> PatternSubscribeAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Publishes <paramref name="message"/> (on the command connection) and returns how many subscribers received it.</summary>
    ValueTask<long> PublishAsync(string channel, RedisValue message, CancellationToken cancellationToken = default);
}
