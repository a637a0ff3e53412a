namespace Granary.Redis;

/// <summary>
/// Commands on one database of a multiplexed connection. Every method may be called concurrently from any number of
/// callers; calls are pipelined. Each returns once the reply arrived and fails with
/// <see cref="RedisServerException"/> (error reply), <see cref="RedisConnectionException"/> (the connection broke
/// after the command was sent), <see cref="RedisTimeoutException"/> (no reply within
/// <see cref="RedisOptions.CommandTimeout"/>) or <see cref="OperationCanceledException"/>.
/// Cancelling a command that was already sent does not stop the server from running it.
/// </summary>
public interface IRedisDatabase
{
    /// <summary>The database index the connection selected.</summary>
    int Database { get; }

    /// <summary>
    /// Sends any command and returns its raw reply. Error replies throw <see cref="RedisServerException"/>.
    /// Commands that change the state of the shared socket (SUBSCRIBE, MULTI/EXEC/WATCH, SELECT, AUTH, HELLO,
    /// QUIT, RESET, MONITOR, CLIENT REPLY) are rejected with <see cref="ArgumentException"/>: use
    /// <see cref="IRedisSubscriber"/>, <see cref="CreateTransaction"/> and <see cref="RedisOptions"/> instead.
    /// Blocking commands (BLPOP, XREAD BLOCK) hold up every command behind them on the connection.
    /// </summary>
    ValueTask<RedisReply> ExecuteAsync(string command, IReadOnlyList<RedisValue> args, CancellationToken cancellationToken = default);

    /// <summary>Sends a command without arguments; see <see cref="ExecuteAsync(string, IReadOnlyList{RedisValue}, CancellationToken)"/>.</summary>
    ValueTask<RedisReply> ExecuteAsync(string command, CancellationToken cancellationToken = default);

    /// <summary>PING; returns the round-trip time, queueing behind earlier commands included.</summary>
    ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>FLUSHDB: deletes every key of this database.</summary>
    ValueTask FlushDatabaseAsync(CancellationToken cancellationToken = default);

    /// <summary>GET; <see cref="RedisValue.Null"/> when the key does not exist.</summary>
    ValueTask<RedisValue> StringGetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>MGET; one value per key, <see cref="RedisValue.Null"/> for missing keys.</summary>
    ValueTask<RedisValue[]> StringGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// SET, with an optional expiry (PX, millisecond precision, rounded up; must be positive) and condition
    /// (NX/XX). Returns false when the condition prevented the write.
    /// </summary>
    ValueTask<bool> StringSetAsync(string key, RedisValue value, TimeSpan? expiry = null, SetCondition condition = SetCondition.Always, CancellationToken cancellationToken = default);

    /// <summary>INCRBY; returns the new value (a missing key counts as 0).</summary>
    ValueTask<long> StringIncrementAsync(string key, long by = 1, CancellationToken cancellationToken = default);

    /// <summary>DEL of one key; returns whether it existed.</summary>
    ValueTask<bool> KeyDeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>DEL of many keys; returns how many existed.</summary>
    ValueTask<long> KeyDeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>EXISTS; whether the key exists.</summary>
    ValueTask<bool> KeyExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>PEXPIRE; returns false when the key does not exist.</summary>
    ValueTask<bool> KeyExpireAsync(string key, TimeSpan expiry, CancellationToken cancellationToken = default);

    /// <summary>PTTL; null when the key has no expiry or does not exist.</summary>
    ValueTask<TimeSpan?> KeyTimeToLiveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>HSET of one field; returns true when the field is new, false when it was overwritten.</summary>
    ValueTask<bool> HashSetAsync(string key, string field, RedisValue value, CancellationToken cancellationToken = default);

    /// <summary>HSET of many fields; returns how many were new.</summary>
    ValueTask<long> HashSetAsync(string key, IEnumerable<KeyValuePair<string, RedisValue>> fields, CancellationToken cancellationToken = default);

    /// <summary>HGET; <see cref="RedisValue.Null"/> when the key or field does not exist.</summary>
    ValueTask<RedisValue> HashGetAsync(string key, string field, CancellationToken cancellationToken = default);

    /// <summary>HGETALL; empty when the key does not exist. Accepts both the RESP2 array and the RESP3 map reply.</summary>
    ValueTask<Dictionary<string, RedisValue>> HashGetAllAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>HDEL; returns how many of the fields existed.</summary>
    ValueTask<long> HashDeleteAsync(string key, IReadOnlyList<string> fields, CancellationToken cancellationToken = default);

    /// <summary>RPUSH of one value; returns the list's new length.</summary>
    ValueTask<long> ListRightPushAsync(string key, RedisValue value, CancellationToken cancellationToken = default);

    /// <summary>RPUSH of values in order; returns the list's new length.</summary>
    ValueTask<long> ListRightPushAsync(string key, IReadOnlyList<RedisValue> values, CancellationToken cancellationToken = default);

    /// <summary>LPUSH of one value; returns the list's new length.</summary>
    ValueTask<long> ListLeftPushAsync(string key, RedisValue value, CancellationToken cancellationToken = default);

    /// <summary>LPUSH of values (each pushed to the head in turn, so the last ends up first); returns the new length.</summary>
    ValueTask<long> ListLeftPushAsync(string key, IReadOnlyList<RedisValue> values, CancellationToken cancellationToken = default);

    /// <summary>LPOP; <see cref="RedisValue.Null"/> when the list is empty or missing.</summary>
    ValueTask<RedisValue> ListLeftPopAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>LRANGE with inclusive, possibly negative, indexes (0, -1 is the whole list).</summary>
    ValueTask<RedisValue[]> ListRangeAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default);

    /// <summary>LLEN; 0 for a missing key.</summary>
    ValueTask<long> ListLengthAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>LTRIM: keeps only the elements from <paramref name="start"/> to <paramref name="stop"/> (inclusive).</summary>
    ValueTask ListTrimAsync(string key, long start, long stop, CancellationToken cancellationToken = default);

    /// <summary>ZADD of one member; returns true when it is new, false when its score was updated.</summary>
    ValueTask<bool> SortedSetAddAsync(string key, RedisValue member, double score, CancellationToken cancellationToken = default);

    /// <summary>ZADD of many members; returns how many were new.</summary>
    ValueTask<long> SortedSetAddAsync(string key, IEnumerable<SortedSetEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>ZRANGE by rank, lowest score first.</summary>
    ValueTask<RedisValue[]> SortedSetRangeAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default);

    /// <summary>ZRANGE ... WITHSCORES by rank, lowest score first.</summary>
    ValueTask<SortedSetEntry[]> SortedSetRangeWithScoresAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default);

    /// <summary>ZRANGEBYSCORE with inclusive bounds; <paramref name="take"/> -1 means no limit.</summary>
    ValueTask<RedisValue[]> SortedSetRangeByScoreAsync(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, long skip = 0, long take = -1, CancellationToken cancellationToken = default);

    /// <summary>ZREM; returns how many members existed.</summary>
    ValueTask<long> SortedSetRemoveAsync(string key, IReadOnlyList<RedisValue> members, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="script"/> with EVALSHA, falling back to EVAL (which caches it again) when the server
    /// answers NOSCRIPT. Returns the script's reply.
    /// </summary>
    ValueTask<RedisReply> ScriptEvaluateAsync(LuaScript script, IReadOnlyList<string>? keys = null, IReadOnlyList<RedisValue>? args = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="source"/> with EVAL (no caching on the client).</summary>
    ValueTask<RedisReply> ScriptEvaluateAsync(string source, IReadOnlyList<string>? keys = null, IReadOnlyList<RedisValue>? args = null, CancellationToken cancellationToken = default);

    /// <summary>SCRIPT LOAD; returns the SHA1 the server computed.</summary>
    ValueTask<string> ScriptLoadAsync(LuaScript script, CancellationToken cancellationToken = default);

    /// <summary>
    /// XADD; returns the id of the new entry. <paramref name="id"/> <c>*</c> lets the server choose;
    /// <paramref name="maxLength"/> trims approximately (<c>MAXLEN ~</c>).
    /// </summary>
    ValueTask<string> StreamAddAsync(string key, IReadOnlyList<KeyValuePair<string, RedisValue>> fields, string id = "*", long? maxLength = null, CancellationToken cancellationToken = default);

    /// <summary>XRANGE between ids (inclusive; <c>-</c> and <c>+</c> are the ends).</summary>
    ValueTask<StreamEntry[]> StreamRangeAsync(string key, string start = "-", string end = "+", int? count = null, CancellationToken cancellationToken = default);

    /// <summary>XREAD (non-blocking) of entries after <paramref name="afterId"/>; empty when there are none.</summary>
    ValueTask<StreamEntry[]> StreamReadAsync(string key, string afterId, int? count = null, CancellationToken cancellationToken = default);

    /// <summary>XLEN.</summary>
    ValueTask<long> StreamLengthAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// XGROUP CREATE ... MKSTREAM (when <paramref name="createStream"/>). Returns false, without error, when the group
    /// already exists. <paramref name="startId"/> <c>$</c> delivers only new entries, <c>0</c> the whole stream.
    /// </summary>
    ValueTask<bool> StreamCreateGroupAsync(string key, string group, string startId = "$", bool createStream = true, CancellationToken cancellationToken = default);

    /// <summary>
    /// XREADGROUP (non-blocking). With <paramref name="id"/> <c>&gt;</c>, entries never delivered to the group; with
    /// <c>0</c>, this consumer's own pending entries (to resume after a crash).
    /// </summary>
    ValueTask<StreamEntry[]> StreamReadGroupAsync(string key, string group, string consumer, string id = ">", int? count = null, CancellationToken cancellationToken = default);

    /// <summary>XACK; returns how many entries were acknowledged.</summary>
    ValueTask<long> StreamAcknowledgeAsync(string key, string group, IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>XPENDING (extended form): up to <paramref name="count"/> unacknowledged entries, optionally of one consumer and idle at least <paramref name="minIdle"/>.</summary>
    ValueTask<StreamPendingEntry[]> StreamPendingAsync(string key, string group, int count = 100, string? consumer = null, TimeSpan? minIdle = null, CancellationToken cancellationToken = default);

    /// <summary>XCLAIM: moves entries idle at least <paramref name="minIdle"/> to <paramref name="consumer"/> and returns them.</summary>
    ValueTask<StreamEntry[]> StreamClaimAsync(string key, string group, string consumer, TimeSpan minIdle, IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>XAUTOCLAIM: claims up to <paramref name="count"/> entries idle at least <paramref name="minIdle"/>, scanning from <paramref name="startId"/>.</summary>
    ValueTask<StreamAutoClaimResult> StreamAutoClaimAsync(string key, string group, string consumer, TimeSpan minIdle, string startId = "0-0", int count = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// Iterates the keys of the database with SCAN (optionally MATCH <paramref name="pattern"/>), one page per round
    /// trip. As SCAN guarantees: a key present during the whole iteration is returned at least once, possibly twice.
    /// </summary>
    IAsyncEnumerable<string> ScanAsync(string? pattern = null, int pageSize = 250, CancellationToken cancellationToken = default);

    /// <summary>Starts a MULTI/EXEC transaction on this connection; see <see cref="IRedisTransaction"/>.</summary>
    IRedisTransaction CreateTransaction();
}
