using Granary.Redis;
using Granary.Streams;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Redis.Streams;

/// <summary>
/// Pulls one subscription (a consumer group) of one Redis stream on this silo, as one consumer of the group. Each
/// round it claims entries other consumers (or itself) left unacknowledged for <see cref="RedisStreamOptions.ClaimIdleTime"/>
/// (XAUTOCLAIM, at most every <see cref="RedisStreamOptions.ClaimInterval"/>), then reads new ones (XREADGROUP
/// without BLOCK, so the shared connection is never held up), delivering one at a time in order and acknowledging
/// (XACK) each only after its handler succeeded. With nothing to do it sleeps <see cref="RedisStreamOptions.PollInterval"/>.
/// </summary>
internal sealed class RedisStreamAgent : IAsyncDisposable
{
    private readonly RedisConnectionSource _connection;
    private readonly RedisStreamOptions _options;
    private readonly string _key;
    private readonly string _group;
    private readonly string _consumer;
    private readonly Func<RedisValue, StreamSequenceToken, Task> _deliver;
    private readonly ILogger _logger;
    private readonly Func<bool>? _isWanted;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private string _claimCursor = "0-0";

    public RedisStreamAgent(RedisConnectionSource connection, RedisStreamOptions options, string key, string group, string consumer, Func<RedisValue, StreamSequenceToken, Task> deliver, Func<bool>? isWanted, ILogger logger)
    {
        _isWanted = isWanted;
        _connection = connection;
        _options = options;
        _key = key;
        _group = group;
        _consumer = consumer;
        _deliver = deliver;
        _logger = logger;
    }

    public string Consumer => _consumer;

    /// <summary>
    /// Starts pulling. <paramref name="endedByItself"/> runs (on its own task) when the loop stops without being
    /// disposed: the subscribing grain is gone, or the group or stream was deleted.
    /// </summary>
    public void Start(Func<Task> endedByItself)
    {
        // The loop must not carry the subscriber's async context (a grain's RuntimeContext) for its lifetime.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(async () =>
            {
                if (await RunAsync().ConfigureAwait(false))
                {
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await endedByItself().ConfigureAwait(false);
                        }
                        catch (Exception ex)
                        {
                            RedisStreamLog.CleanupFailed(_logger, _group, _key, ex);
                        }
                    });
                }
            });
        }
    }

    /// <summary>Stops pulling. An event whose handler is still running is abandoned unacknowledged (redelivered later).</summary>
    /// <remarks>Safe to call more than once, also concurrently (unsubscribe racing silo shutdown): the token source
    /// has no timer, so it is cancelled but never disposed.</remarks>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Pulls until disposed (returns false) or until the subscription ended by itself (returns true).</summary>
    private async Task<bool> RunAsync()
    {
        var token = _stop.Token;
        var nextClaim = 0L;
        while (!token.IsCancellationRequested)
        {
            if (_isWanted is not null && !_isWanted())
            {
                RedisStreamLog.OwnerGone(_logger, _group, _key);
                return true;
            }

            try
            {
                var db = await _connection.GetDatabaseAsync(token).ConfigureAwait(false);
                var worked = false;
                if (Environment.TickCount64 >= nextClaim)
                {
                    nextClaim = Environment.TickCount64 + (long)_options.ClaimInterval.TotalMilliseconds;
                    var claim = await db.StreamAutoClaimAsync(_key, _group, _consumer, _options.ClaimIdleTime, _claimCursor, _options.BatchSize, token).ConfigureAwait(false);
                    _claimCursor = claim.NextStartId;
                    if (claim.Claimed.Count > 0)
                    {
                        RedisStreamLog.Claimed(_logger, _group, _key, claim.Claimed.Count);
                        await ProcessAsync(db, claim.Claimed, token).ConfigureAwait(false);
                        worked = true;
                    }

                    if (_claimCursor != "0-0")
                    {
                        // More pending entries to scan: look again next round rather than after a full interval.
                        nextClaim = 0;
                    }
                }

                var entries = await db.StreamReadGroupAsync(_key, _group, _consumer, ">", _options.BatchSize, token).ConfigureAwait(false);
                if (entries.Length > 0)
                {
                    await ProcessAsync(db, entries, token).ConfigureAwait(false);
                    worked = true;
                }

                if (!worked)
                {
                    await Task.Delay(_options.PollInterval, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return false;
            }
            catch (SubscriptionEndedException)
            {
                RedisStreamLog.OwnerGone(_logger, _group, _key);
                return true;
            }
            catch (RedisServerException ex) when (ex.ErrorCode == "NOGROUP")
            {
                // The subscription (or the whole stream) was deleted: nothing left to read.
                RedisStreamLog.GroupDeleted(_logger, _group, _key);
                return true;
            }
            catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
            {
                RedisStreamLog.ReadFailed(_logger, _group, _key, ex);
                try
                {
                    await Task.Delay(_options.PollInterval, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }

        return false;
    }

    private async Task ProcessAsync(IRedisDatabase db, IReadOnlyList<StreamEntry> entries, CancellationToken token)
    {
        foreach (var entry in entries)
        {
            token.ThrowIfCancellationRequested();
            var data = entry["data"];
            if (!data.IsNull)
            {
                try
                {
                    await _deliver(data, new StreamSequenceToken(entry.Id)).WaitAsync(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not SubscriptionEndedException)
                {
                    RedisStreamLog.HandlerFailed(_logger, _group, _key, entry.Id, ex);
                    continue;
                }
            }

            // Entries trimmed away while pending come back without fields: nothing to deliver, only to acknowledge.
            await db.StreamAcknowledgeAsync(_key, _group, [entry.Id], token).ConfigureAwait(false);
        }
    }
}
