using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Granary.Redis.Internal;

/// <summary>The typed command helpers over a <see cref="ConnectionCore"/>.</summary>
internal sealed class RedisDatabase(ConnectionCore core, SemaphoreSlim transactionGate) : IRedisDatabase
{
    private static readonly HashSet<string> ConnectionStateCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
        "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SELECT", "AUTH", "HELLO", "QUIT", "RESET", "MONITOR", "SYNC", "PSYNC",
    };

    public int Database => core.Options.Database;

    public ValueTask<RedisReply> ExecuteAsync(string command, IReadOnlyList<RedisValue> args, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentNullException.ThrowIfNull(args);
        if (ConnectionStateCommands.Contains(command) ||
            (string.Equals(command, "CLIENT", StringComparison.OrdinalIgnoreCase) && args.Count > 0 &&
             string.Equals(args[0].ToString(), "REPLY", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                $"{command.ToUpperInvariant()} changes the state of the shared connection and cannot be sent with ExecuteAsync; " +
                "use IRedisSubscriber for pub/sub, CreateTransaction() for MULTI/EXEC/WATCH, and RedisOptions for AUTH, HELLO and SELECT.",
                nameof(command));
        }

        var array = args as RedisValue[] ?? [.. args];
        return core.ExecuteAsync(command.ToUpperInvariant(), array, ReplyMaps.Raw, cancellationToken);
    }

    public ValueTask<RedisReply> ExecuteAsync(string command, CancellationToken cancellationToken = default) =>
        ExecuteAsync(command, [], cancellationToken);

    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        await core.ExecuteAsync("PING", [], ReplyMaps.Ignore, cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start);
    }

    public async ValueTask FlushDatabaseAsync(CancellationToken cancellationToken = default) =>
        await core.ExecuteAsync("FLUSHDB", [], ReplyMaps.Ignore, cancellationToken).ConfigureAwait(false);

    public ValueTask<RedisValue> StringGetAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("GET", [key], ReplyMaps.Value, cancellationToken);

    public ValueTask<RedisValue[]> StringGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        keys.Count == 0 ? ValueTask.FromResult<RedisValue[]>([]) : core.ExecuteAsync("MGET", Keys(keys), ReplyMaps.Values, cancellationToken);

    public ValueTask<bool> StringSetAsync(string key, RedisValue value, TimeSpan? expiry = null, SetCondition condition = SetCondition.Always, CancellationToken cancellationToken = default)
    {
        if (expiry is null && condition == SetCondition.Always)
        {
            return core.ExecuteAsync("SET", [key, value], ReplyMaps.IsOk, cancellationToken);
        }

        var args = new List<RedisValue>(5) { key, value };
        if (expiry is { } e)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(e, TimeSpan.Zero, nameof(expiry));
            args.Add("PX");
            args.Add(Milliseconds(e, nameof(expiry)));
        }

        if (condition != SetCondition.Always)
        {
            args.Add(condition == SetCondition.NotExists ? "NX" : "XX");
        }

        return core.ExecuteAsync("SET", [.. args], ReplyMaps.IsOk, cancellationToken);
    }

    public ValueTask<long> StringIncrementAsync(string key, long by = 1, CancellationToken cancellationToken = default) =>
        by == 1
            ? core.ExecuteAsync("INCR", [key], ReplyMaps.Int64, cancellationToken)
            : core.ExecuteAsync("INCRBY", [key, by], ReplyMaps.Int64, cancellationToken);

    public ValueTask<bool> KeyDeleteAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("DEL", [key], ReplyMaps.Boolean, cancellationToken);

    public ValueTask<long> KeyDeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        keys.Count == 0 ? ValueTask.FromResult(0L) : core.ExecuteAsync("DEL", Keys(keys), ReplyMaps.Int64, cancellationToken);

    public ValueTask<bool> KeyExistsAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("EXISTS", [key], ReplyMaps.Boolean, cancellationToken);

    public ValueTask<bool> KeyExpireAsync(string key, TimeSpan expiry, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("PEXPIRE", [key, Milliseconds(expiry, nameof(expiry))], ReplyMaps.Boolean, cancellationToken);

    public ValueTask<TimeSpan?> KeyTimeToLiveAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("PTTL", [key], ReplyMaps.TimeToLive, cancellationToken);

    public ValueTask<bool> HashSetAsync(string key, string field, RedisValue value, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("HSET", [key, field, value], ReplyMaps.Boolean, cancellationToken);

    public ValueTask<long> HashSetAsync(string key, IEnumerable<KeyValuePair<string, RedisValue>> fields, CancellationToken cancellationToken = default)
    {
        var args = new List<RedisValue> { key };
        foreach (var (field, value) in fields)
        {
            args.Add(field);
            args.Add(value);
        }

        if (args.Count == 1)
        {
            throw new ArgumentException("At least one field is required.", nameof(fields));
        }

        return core.ExecuteAsync("HSET", [.. args], ReplyMaps.Int64, cancellationToken);
    }

    public ValueTask<RedisValue> HashGetAsync(string key, string field, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("HGET", [key, field], ReplyMaps.Value, cancellationToken);

    public ValueTask<Dictionary<string, RedisValue>> HashGetAllAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("HGETALL", [key], ReplyMaps.Hash, cancellationToken);

    public ValueTask<long> HashDeleteAsync(string key, IReadOnlyList<string> fields, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("HDEL", KeyAnd(key, fields.Select(f => (RedisValue)f)), ReplyMaps.Int64, cancellationToken);

    public ValueTask<long> ListRightPushAsync(string key, RedisValue value, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("RPUSH", [key, value], ReplyMaps.Int64, cancellationToken);

    public ValueTask<long> ListRightPushAsync(string key, IReadOnlyList<RedisValue> values, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("RPUSH", KeyAnd(key, NonEmpty(values, nameof(values))), ReplyMaps.Int64, cancellationToken);

    public ValueTask<long> ListLeftPushAsync(string key, RedisValue value, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("LPUSH", [key, value], ReplyMaps.Int64, cancellationToken);

    public ValueTask<long> ListLeftPushAsync(string key, IReadOnlyList<RedisValue> values, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("LPUSH", KeyAnd(key, NonEmpty(values, nameof(values))), ReplyMaps.Int64, cancellationToken);

    public ValueTask<RedisValue> ListLeftPopAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("LPOP", [key], ReplyMaps.Value, cancellationToken);

    public ValueTask<RedisValue[]> ListRangeAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("LRANGE", [key, start, stop], ReplyMaps.Values, cancellationToken);

    public ValueTask<long> ListLengthAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("LLEN", [key], ReplyMaps.Int64, cancellationToken);

    public async ValueTask ListTrimAsync(string key, long start, long stop, CancellationToken cancellationToken = default) =>
        await core.ExecuteAsync("LTRIM", [key, start, stop], ReplyMaps.Ignore, cancellationToken).ConfigureAwait(false);

    public ValueTask<bool> SortedSetAddAsync(string key, RedisValue member, double score, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("ZADD", [key, score, member], ReplyMaps.Boolean, cancellationToken);

    public ValueTask<long> SortedSetAddAsync(string key, IEnumerable<SortedSetEntry> entries, CancellationToken cancellationToken = default)
    {
        var args = new List<RedisValue> { key };
        foreach (var entry in entries)
        {
            args.Add(entry.Score);
            args.Add(entry.Member);
        }

        if (args.Count == 1)
        {
            throw new ArgumentException("At least one entry is required.", nameof(entries));
        }

        return core.ExecuteAsync("ZADD", [.. args], ReplyMaps.Int64, cancellationToken);
    }

    public ValueTask<RedisValue[]> SortedSetRangeAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("ZRANGE", [key, start, stop], ReplyMaps.Values, cancellationToken);

    public ValueTask<SortedSetEntry[]> SortedSetRangeWithScoresAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("ZRANGE", [key, start, stop, "WITHSCORES"], ReplyMaps.ScoredEntries, cancellationToken);

    public ValueTask<RedisValue[]> SortedSetRangeByScoreAsync(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, long skip = 0, long take = -1, CancellationToken cancellationToken = default)
    {
        RedisValue[] args = skip == 0 && take < 0
            ? [key, min, max]
            : [key, min, max, "LIMIT", skip, take];
        return core.ExecuteAsync("ZRANGEBYSCORE", args, ReplyMaps.Values, cancellationToken);
    }

    public ValueTask<long> SortedSetRemoveAsync(string key, IReadOnlyList<RedisValue> members, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("ZREM", KeyAnd(key, NonEmpty(members, nameof(members))), ReplyMaps.Int64, cancellationToken);

    public async ValueTask<RedisReply> ScriptEvaluateAsync(LuaScript script, IReadOnlyList<string>? keys = null, IReadOnlyList<RedisValue>? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        try
        {
            return await core.ExecuteAsync("EVALSHA", ScriptArgs(script.Sha1, keys, args), ReplyMaps.Raw, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.ErrorCode == "NOSCRIPT")
        {
            // The server's script cache was flushed or restarted; EVAL runs the script and caches it again.
            return await core.ExecuteAsync("EVAL", ScriptArgs(script.Source, keys, args), ReplyMaps.Raw, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<RedisReply> ScriptEvaluateAsync(string source, IReadOnlyList<string>? keys = null, IReadOnlyList<RedisValue>? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        return core.ExecuteAsync("EVAL", ScriptArgs(source, keys, args), ReplyMaps.Raw, cancellationToken);
    }

    public ValueTask<string> ScriptLoadAsync(LuaScript script, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("SCRIPT", ["LOAD", script.Source], ReplyMaps.Text, cancellationToken);

    public ValueTask<string> StreamAddAsync(string key, IReadOnlyList<KeyValuePair<string, RedisValue>> fields, string id = "*", long? maxLength = null, CancellationToken cancellationToken = default)
    {
        if (fields.Count == 0)
        {
            throw new ArgumentException("A stream entry needs at least one field.", nameof(fields));
        }

        var args = new List<RedisValue>((fields.Count * 2) + 5) { key };
        if (maxLength is { } max)
        {
            args.AddRange(["MAXLEN", "~", max]);
        }

        args.Add(id);
        foreach (var (field, value) in fields)
        {
            args.Add(field);
            args.Add(value);
        }

        return core.ExecuteAsync("XADD", [.. args], ReplyMaps.Text, cancellationToken);
    }

    public ValueTask<StreamEntry[]> StreamRangeAsync(string key, string start = "-", string end = "+", int? count = null, CancellationToken cancellationToken = default)
    {
        RedisValue[] args = count is { } c ? [key, start, end, "COUNT", c] : [key, start, end];
        return core.ExecuteAsync("XRANGE", args, ReplyMaps.StreamEntries, cancellationToken);
    }

    public ValueTask<StreamEntry[]> StreamReadAsync(string key, string afterId, int? count = null, CancellationToken cancellationToken = default)
    {
        RedisValue[] args = count is { } c ? ["COUNT", c, "STREAMS", key, afterId] : ["STREAMS", key, afterId];
        return core.ExecuteAsync("XREAD", args, ReplyMaps.StreamRead, cancellationToken);
    }

    public ValueTask<long> StreamLengthAsync(string key, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("XLEN", [key], ReplyMaps.Int64, cancellationToken);

    public async ValueTask<bool> StreamCreateGroupAsync(string key, string group, string startId = "$", bool createStream = true, CancellationToken cancellationToken = default)
    {
        RedisValue[] args = createStream ? ["CREATE", key, group, startId, "MKSTREAM"] : ["CREATE", key, group, startId];
        try
        {
            await core.ExecuteAsync("XGROUP", args, ReplyMaps.Ignore, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RedisServerException ex) when (ex.ErrorCode == "BUSYGROUP")
        {
            return false;
        }
    }

    public ValueTask<StreamEntry[]> StreamReadGroupAsync(string key, string group, string consumer, string id = ">", int? count = null, CancellationToken cancellationToken = default)
    {
        RedisValue[] args = count is { } c
            ? ["GROUP", group, consumer, "COUNT", c, "STREAMS", key, id]
            : ["GROUP", group, consumer, "STREAMS", key, id];
        return core.ExecuteAsync("XREADGROUP", args, ReplyMaps.StreamRead, cancellationToken);
    }

    public ValueTask<long> StreamAcknowledgeAsync(string key, string group, IReadOnlyList<string> ids, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync("XACK", KeyAnd(key, [group, .. NonEmpty(ids, nameof(ids)).Select(i => (RedisValue)i)]), ReplyMaps.Int64, cancellationToken);

    public ValueTask<StreamPendingEntry[]> StreamPendingAsync(string key, string group, int count = 100, string? consumer = null, TimeSpan? minIdle = null, CancellationToken cancellationToken = default)
    {
        var args = new List<RedisValue> { key, group };
        if (minIdle is { } idle)
        {
            args.AddRange(["IDLE", Milliseconds(idle, nameof(minIdle))]);
        }

        args.AddRange(["-", "+", count]);
        if (consumer is not null)
        {
            args.Add(consumer);
        }

        return core.ExecuteAsync("XPENDING", [.. args], ReplyMaps.Pending, cancellationToken);
    }

    public ValueTask<StreamEntry[]> StreamClaimAsync(string key, string group, string consumer, TimeSpan minIdle, IReadOnlyList<string> ids, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync(
            "XCLAIM",
            [key, group, consumer, Milliseconds(minIdle, nameof(minIdle)), .. NonEmpty(ids, nameof(ids)).Select(i => (RedisValue)i)],
            ReplyMaps.StreamEntries,
            cancellationToken);

    public ValueTask<StreamAutoClaimResult> StreamAutoClaimAsync(string key, string group, string consumer, TimeSpan minIdle, string startId = "0-0", int count = 100, CancellationToken cancellationToken = default) =>
        core.ExecuteAsync(
            "XAUTOCLAIM",
            [key, group, consumer, Milliseconds(minIdle, nameof(minIdle)), startId, "COUNT", count],
            ReplyMaps.AutoClaim,
            cancellationToken);

    public async IAsyncEnumerable<string> ScanAsync(string? pattern = null, int pageSize = 250, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var cursor = "0";
        do
        {
            RedisValue[] args = pattern is null ? [cursor, "COUNT", pageSize] : [cursor, "MATCH", pattern, "COUNT", pageSize];
            var page = await core.ExecuteAsync("SCAN", args, ReplyMaps.Raw, cancellationToken).ConfigureAwait(false);
            cursor = page[0].AsString()!;
            foreach (var key in page[1].ElementArray)
            {
                yield return key.AsString()!;
            }
        }
        while (cursor != "0");
    }

    public IRedisTransaction CreateTransaction() => new RedisTransaction(core, transactionGate);

    private static RedisValue[] Keys(IReadOnlyList<string> keys)
    {
        var args = new RedisValue[keys.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = keys[i];
        }

        return args;
    }

    private static RedisValue[] KeyAnd(string key, IEnumerable<RedisValue> rest) => [key, .. rest];

    private static IReadOnlyList<T> NonEmpty<T>(IReadOnlyList<T> items, string name) =>
        items.Count > 0 ? items : throw new ArgumentException("At least one item is required.", name);

    private static RedisValue[] ScriptArgs(string scriptOrSha, IReadOnlyList<string>? keys, IReadOnlyList<RedisValue>? args)
    {
        var result = new RedisValue[2 + (keys?.Count ?? 0) + (args?.Count ?? 0)];
        result[0] = scriptOrSha;
        result[1] = keys?.Count ?? 0;
        var i = 2;
        foreach (var key in keys ?? [])
        {
            result[i++] = key;
        }

        foreach (var arg in args ?? [])
        {
            result[i++] = arg;
        }

        return result;
    }

    private static long Milliseconds(TimeSpan span, string name) =>
        span >= TimeSpan.Zero ? (long)Math.Ceiling(span.TotalMilliseconds) : throw new ArgumentOutOfRangeException(name, span, "Must not be negative.");
}
