using System.Threading.Channels;

namespace Granary.Redis;

/// <summary>
/// One subscription to a channel or pattern. Dispose it (or call <see cref="UnsubscribeAsync"/>) to stop
/// receiving; the server-side UNSUBSCRIBE is sent when the last subscription to that channel or pattern in the
/// process goes away.
/// </summary>
public sealed class RedisSubscription : IAsyncDisposable
{
    private readonly Action<RedisMessage> _handler;
    private readonly Channel<RedisMessage>? _buffer;
    private readonly Func<RedisSubscription, CancellationToken, Task> _unsubscribe;
    private int _disposed;

    internal RedisSubscription(string channel, bool isPattern, Action<RedisMessage>? handler, Func<RedisSubscription, CancellationToken, Task> unsubscribe)
    {
        Channel = channel;
        IsPattern = isPattern;
        _unsubscribe = unsubscribe;
        if (handler is null)
        {
            _buffer = System.Threading.Channels.Channel.CreateUnbounded<RedisMessage>(new UnboundedChannelOptions { SingleWriter = true });
            _handler = message => _buffer.Writer.TryWrite(message);
        }
        else
        {
            _handler = handler;
        }
    }

    /// <summary>The channel name, or the pattern for a pattern subscription.</summary>
    public string Channel { get; }

    /// <summary>True for a PSUBSCRIBE pattern subscription.</summary>
    public bool IsPattern { get; }

    /// <summary>
    /// The buffered messages of a subscription made without a handler; the reader completes when the subscription
    /// is disposed. Throws <see cref="InvalidOperationException"/> for a handler subscription.
    /// </summary>
    public ChannelReader<RedisMessage> Messages =>
        _buffer?.Reader ?? throw new InvalidOperationException("This subscription delivers messages to its handler; subscribe without a handler to read them from Messages.");

    /// <summary>Stops delivery to this subscription and, if it was the last one for its channel, unsubscribes on the server.</summary>
    public Task UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return Task.CompletedTask;
        }

        _buffer?.Writer.TryComplete();
        return _unsubscribe(this, cancellationToken);
    }

    /// <summary>Same as <see cref="UnsubscribeAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await UnsubscribeAsync().ConfigureAwait(false);

    internal void Deliver(RedisMessage message)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _handler(message);
        }
    }
}
