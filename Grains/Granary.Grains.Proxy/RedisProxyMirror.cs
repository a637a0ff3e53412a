using Granary.Grains.Platform;
using Granary.Redis;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Proxy;

/// <summary>
/// Keeps a Redis database equal to a domain's state. The first write flushes the database (as the seed's
/// orchestrator does at start); later writes send only what changed (pipelined: all commands in flight at once)
/// and delete keys whose subject disappeared. A Redis outage costs a warning: the next successful write rewrites
/// everything and removes stale keys, so the mirror is complete again as soon as Redis returns.
/// </summary>
public sealed partial class RedisProxyMirror(IRedisDatabase redis, ILogger<RedisProxyMirror> logger)
{
    private Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private bool _flushed;
    private bool _resync = true;

    /// <summary>True after a failed write, until a full resynchronisation succeeded.</summary>
    public bool Degraded { get; private set; }

    /// <summary>Writes the differences between <paramref name="snapshot"/> and what was written last.</summary>
    public async Task MirrorAsync(DomainSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var desired = ProxyKeys.Render(snapshot);
        try
        {
            if (!_flushed)
            {
                await redis.FlushDatabaseAsync(cancellationToken).ConfigureAwait(false);
                _flushed = true;
                _written.Clear();
                _resync = false;
            }

            var stale = new List<string>();
            if (_resync)
            {
                // After an outage the database may hold anything (or nothing): find every mirrored key.
                foreach (var prefix in ProxyKeys.MirroredPrefixes)
                {
                    await foreach (var key in redis.ScanAsync(prefix + "*", cancellationToken: cancellationToken).ConfigureAwait(false))
                    {
                        if (!desired.ContainsKey(key))
                        {
                            stale.Add(key);
                        }
                    }
                }

                _written.Clear();
            }
            else
            {
                stale.AddRange(_written.Keys.Where(k => !desired.ContainsKey(k)));
            }

            var writes = new List<Task>();
            foreach (var (key, value) in desired)
            {
                if (!_written.TryGetValue(key, out var old) || old != value)
                {
                    writes.Add(redis.StringSetAsync(key, value, cancellationToken: cancellationToken).AsTask());
                }
            }

            if (stale.Count > 0)
            {
                writes.Add(redis.KeyDeleteAsync(stale, cancellationToken).AsTask());
            }

            await Task.WhenAll(writes).ConfigureAwait(false);
            _written = desired;
            if (_resync || Degraded)
            {
                LogResynchronised(logger, desired.Count);
            }

            _resync = false;
            Degraded = false;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (!Degraded)
            {
                LogDegraded(logger, ex.Message);
            }

            Degraded = true;
            _resync = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy mirror cannot write to Redis ({Reason}); orchestration continues, the mirror will resynchronise when Redis answers")]
    private static partial void LogDegraded(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy mirror resynchronised ({Keys} keys)")]
    private static partial void LogResynchronised(ILogger logger, int keys);
}
