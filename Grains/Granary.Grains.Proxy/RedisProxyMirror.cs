using Granary.Grains.Platform;
using Granary.Grains.Proxy.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Granary.Grains.Proxy;

/// <summary>
/// Keeps a Redis database equal to a domain's state. The first write flushes the database (as the seed's
/// orchestrator does at start); later writes send only what changed (pipelined: all commands in flight at once)
/// and delete keys whose subject disappeared. Commands of one write go out together on the shared multiplexer (StackExchange.Redis pipelines
/// them) in the order they are issued. Performance lists only grow: new samples are appended with RPUSH and
/// each list is trimmed to its most recent <paramref name="maxPerformanceSamples"/> entries. A Redis outage costs a
/// warning: the next successful write rewrites everything and removes stale keys, so the mirror is complete again as
/// soon as Redis returns.
/// </summary>
public sealed partial class RedisProxyMirror(IDatabase redis, ILogger<RedisProxyMirror> logger, int maxPerformanceSamples = 1000)
{
    private Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private Dictionary<string, long> _performanceWritten = new(StringComparer.Ordinal);
    private bool _flushed;
    private bool _resync = true;

    /// <summary>True after a failed write, until a full resynchronisation succeeded.</summary>
    public bool Degraded { get; private set; }

    /// <summary>Writes the differences between <paramref name="snapshot"/> and what was written last.</summary>
    public async Task MirrorAsync(DomainSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var desired = ProxyKeys.Render(snapshot);
        var performance = ProxyKeys.RenderPerformance(snapshot);
        try
        {
            if (!_flushed)
            {
                // FLUSHDB of this database only (StackExchange.Redis would refuse IServer.FlushDatabase without admin mode).
                await redis.ExecuteAsync("FLUSHDB").ConfigureAwait(false);
                _flushed = true;
                _written.Clear();
                _performanceWritten.Clear();
                _resync = false;
            }

            var stale = new List<string>();
            if (_resync)
            {
                // After an outage the database may hold anything (or nothing): find every mirrored key.
                foreach (var prefix in ProxyKeys.MirroredPrefixes)
                {
                    await foreach (var key in RedisKeys.ScanAsync(redis, prefix + "*", cancellationToken).ConfigureAwait(false))
                    {
                        if (!desired.ContainsKey(key) && !performance.ContainsKey(key))
                        {
                            stale.Add(key);
                        }
                    }
                }

                _written.Clear();
                _performanceWritten.Clear();
            }
            else
            {
                stale.AddRange(_written.Keys.Where(k => !desired.ContainsKey(k)));
                stale.AddRange(_performanceWritten.Keys.Where(k => !performance.ContainsKey(k)));
            }

            var writes = new List<Task>();
            foreach (var (key, value) in desired)
            {
                if (!_written.TryGetValue(key, out var old) || old != value)
                {
                    writes.Add(redis.StringSetAsync(key, value));
                }
            }

            foreach (var (key, (total, samples)) in performance)
            {
                AppendPerformance(key, total, samples, writes);
            }

            if (stale.Count > 0)
            {
                writes.Add(redis.KeyDeleteAsync([.. stale.Select(k => (RedisKey)k)]));
            }

            await Task.WhenAll(writes).ConfigureAwait(false);
            _written = desired;
            _performanceWritten = performance.ToDictionary(p => p.Key, p => p.Value.Total, StringComparer.Ordinal);
            if (_resync || Degraded)
            {
                LogResynchronised(logger, desired.Count + performance.Count);
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

    /// <summary>
    /// Queues the commands that bring one performance list up to date: the samples reported since the last write, or,
    /// for a list not written yet (new instance, or after a flush or an outage), the whole list rewritten. The
    /// commands go out in order on the one connection, so DEL runs before the RPUSH that follows it.
    /// </summary>
    private void AppendPerformance(string key, long total, List<string> samples, List<Task> writes)
    {
        List<string> fresh;
        if (_performanceWritten.TryGetValue(key, out var written))
        {
            fresh = samples.TakeLast((int)Math.Min(samples.Count, Math.Max(0, total - written))).ToList();
        }
        else
        {
            writes.Add(redis.KeyDeleteAsync(key));
            fresh = samples;
        }

        if (fresh.Count == 0)
        {
            return;
        }

        writes.Add(redis.ListRightPushAsync(key, [.. fresh.Select(s => (RedisValue)s)]));
        writes.Add(redis.ListTrimAsync(key, -Math.Max(1, maxPerformanceSamples), -1));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy mirror cannot write to Redis ({Reason}); orchestration continues, the mirror will resynchronise when Redis answers")]
    private static partial void LogDegraded(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy mirror resynchronised ({Keys} keys)")]
    private static partial void LogResynchronised(ILogger logger, int keys);
}
