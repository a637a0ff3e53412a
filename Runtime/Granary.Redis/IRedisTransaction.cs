namespace Granary.Redis;

/// <summary>
/// A MULTI/EXEC transaction, optionally guarded by WATCH. Commands added to it are buffered and sent with MULTI and
/// EXEC as one contiguous block, so no other caller's command can slip into it; their results complete when
/// <see cref="ExecuteAsync"/> does.
/// </summary>
/// <remarks>
/// WATCH state belongs to the socket, which all callers share, so a transaction that calls
/// <see cref="WatchAsync"/> holds the connection's transaction lock until it is executed or disposed: other
/// transactions on the same connection wait (plain commands do not). If the connection is re-established between
/// WATCH and EXEC, the server has forgotten the WATCH: EXEC is then not sent and <see cref="ExecuteAsync"/> fails
/// with a <see cref="RedisConnectionException"/>.
/// </remarks>
public interface IRedisTransaction : IAsyncDisposable
{
    /// <summary>
    /// Sends WATCH for <paramref name="keys"/> now. If any of them is modified (by anyone) before EXEC, the
    /// transaction aborts: <see cref="ExecuteAsync"/> returns false and nothing queued runs. Read the current values
    /// with the ordinary <see cref="IRedisDatabase"/> methods after this call.
    /// </summary>
    ValueTask WatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds any command. The returned task completes after <see cref="ExecuteAsync"/>: with the command's reply if
    /// the transaction committed, with a <see cref="RedisServerException"/> if the command failed (at queue time or
    /// in EXEC), or cancelled if the transaction aborted.
    /// </summary>
    Task<RedisReply> AddAsync(string command, IReadOnlyList<RedisValue> args);

    /// <summary>Adds SET <paramref name="key"/> <paramref name="value"/>; completes after execution.</summary>
    Task<bool> StringSetAsync(string key, RedisValue value);

    /// <summary>Adds GET <paramref name="key"/>; completes after execution.</summary>
    Task<RedisValue> StringGetAsync(string key);

    /// <summary>Adds INCRBY <paramref name="key"/> <paramref name="by"/>; completes after execution with the new value.</summary>
    Task<long> StringIncrementAsync(string key, long by = 1);

    /// <summary>Adds DEL <paramref name="key"/>; completes after execution with whether the key existed.</summary>
    Task<bool> KeyDeleteAsync(string key);

    /// <summary>
    /// Sends MULTI, the added commands and EXEC. Returns true when the transaction committed (individual commands
    /// may still have failed at run time, see their tasks), false when a watched key changed and EXEC returned nil.
    /// Throws <see cref="RedisServerException"/> when the server refused the transaction (EXECABORT: a command
    /// was rejected while queuing). A transaction executes once.
    /// </summary>
    Task<bool> ExecuteAsync(CancellationToken cancellationToken = default);
}
