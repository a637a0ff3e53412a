using Microsoft.Extensions.Logging;

namespace Granary.Redis.Internal;

/// <summary>
/// Pub/sub on its own <see cref="ConnectionCore"/> in subscriber mode. Keeps the set of subscribed channels and
/// patterns, and subscribes them again in the handshake of every reconnect.
/// </summary>
internal sealed class RedisSubscriber(RedisOptions options, ILogger logger, ConnectionCore commands) : IRedisSubscriber, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _sync = new();
    private readonly Dictionary<string, RedisSubscription[]> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RedisSubscription[]> _patterns = new(StringComparer.Ordinal);
    private ConnectionCore? _core;
    private bool _disposed;

    public Task<RedisSubscription> SubscribeAsync(string channel, Action<RedisMessage> handler, CancellationToken cancellationToken = default) =>
        AddAsync(channel, isPattern: false, handler ?? throw new ArgumentNullException(nameof(handler)), cancellationToken);

    public Task<RedisSubscription> SubscribeAsync(string channel, CancellationToken cancellationToken = default) =>
        AddAsync(channel, isPattern: false, null, cancellationToken);

    public Task<RedisSubscription> PatternSubscribeAsync(string pattern, Action<RedisMessage> handler, CancellationToken cancellationToken = default) =>
        AddAsync(pattern, isPattern: true, handler ?? throw new ArgumentNullException(nameof(handler)), cancellationToken);

    public Task<RedisSubscription> PatternSubscribeAsync(string pattern, CancellationToken cancellationToken = default) =>
        AddAsync(pattern, isPattern: true, null, cancellationToken);

    public ValueTask<long> PublishAsync(string channel, RedisValue message, CancellationToken cancellationToken = default) =>
        commands.ExecuteAsync("PUBLISH", [channel, message], ReplyMaps.Int64, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_core is not null)
            {
                await _core.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RedisSubscription> AddAsync(string channel, bool isPattern, Action<RedisMessage>? handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        var subscription = new RedisSubscription(channel, isPattern, handler, RemoveAsync);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var core = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            bool first;
            lock (_sync)
            {
                var map = isPattern ? _patterns : _channels;
                first = !map.TryGetValue(channel, out var existing);
                map[channel] = [.. existing ?? [], subscription];
            }

            if (first)
            {
                try
                {
                    await core.ExecuteAsync(isPattern ? "PSUBSCRIBE" : "SUBSCRIBE", [channel], ReplyMaps.Ignore, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    Remove(subscription);
                    throw;
                }
            }

            return subscription;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RemoveAsync(RedisSubscription subscription, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Remove(subscription) && _core is { } core && !_disposed)
            {
                await core.ExecuteAsync(subscription.IsPattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", [subscription.Channel], ReplyMaps.Ignore, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the subscription; returns true when it was the last one for its channel or pattern.</summary>
    private bool Remove(RedisSubscription subscription)
    {
        lock (_sync)
        {
            var map = subscription.IsPattern ? _patterns : _channels;
            if (!map.TryGetValue(subscription.Channel, out var existing))
            {
                return false;
            }

            var remaining = existing.Where(s => !ReferenceEquals(s, subscription)).ToArray();
            if (remaining.Length == 0)
            {
                map.Remove(subscription.Channel);
                return true;
            }

            map[subscription.Channel] = remaining;
            return false;
        }
    }

    private async ValueTask<ConnectionCore> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_core is not null)
        {
            return _core;
        }

        var core = new ConnectionCore(options, logger, "subscriber", subscriberMode: true, OnPush, ResubscribeOperations);
        await core.StartAsync(cancellationToken).ConfigureAwait(false);
        _core = core;
        return core;
    }

    private IReadOnlyList<PendingOperation> ResubscribeOperations()
    {
        string[] channels;
        string[] patterns;
        lock (_sync)
        {
            channels = [.. _channels.Keys];
            patterns = [.. _patterns.Keys];
        }

        var operations = new List<PendingOperation>(2);
        if (channels.Length > 0)
        {
            operations.Add(new RedisOperation<bool>("SUBSCRIBE", [.. channels.Select(c => (RedisValue)c)], ReplyMaps.Ignore, true, channels.Length));
        }

        if (patterns.Length > 0)
        {
            operations.Add(new RedisOperation<bool>("PSUBSCRIBE", [.. patterns.Select(p => (RedisValue)p)], ReplyMaps.Ignore, true, patterns.Length));
        }

        if (operations.Count > 0)
        {
            RedisLog.Resubscribed(logger, channels.Length + patterns.Length);
        }

        return operations;
    }

    private void OnPush(RedisReply push)
    {
        if (push.Count < 3)
        {
            return;
        }

        RedisSubscription[]? targets;
        RedisMessage message;
        switch (push[0].AsString())
        {
            case "message" or "smessage":
                message = new RedisMessage(push[1].AsString()!, push[2].ToValue());
                lock (_sync)
                {
                    _channels.TryGetValue(message.Channel, out targets);
                }

                break;
            case "pmessage" when push.Count >= 4:
                message = new RedisMessage(push[2].AsString()!, push[3].ToValue(), push[1].AsString());
                lock (_sync)
                {
                    _patterns.TryGetValue(message.Pattern!, out targets);
                }

                break;
            default:
                return;
        }

        foreach (var target in targets ?? [])
        {
            try
            {
                target.Deliver(message);
            }
            catch (Exception ex)
            {
                RedisLog.PushHandlerFailed(logger, ex);
            }
        }
    }
}
