using System.Text.Json;
using Granary.Persistence;
using Granary.Redis;
using Granary.Runtime.Persistence;

namespace Granary.Runtime.Redis.Persistence;

/// <summary>
/// Grain storage in Redis: one hash per state, <c>{KeyPrefix}:{stateName}:{grainType}/{grainKey}</c>, with fields
/// <c>etag</c> (a random id replaced on every write) and <c>data</c> (the state as JSON, as the in-memory provider
/// keeps it). Write and clear are Lua compare-and-set scripts: they change nothing and raise
/// <see cref="InconsistentStateException"/> when the stored etag is not the one the writer read.
/// </summary>
internal sealed class RedisGrainStorage(string name, RedisConnectionSource connection, string keyPrefix) : IGrainStorage
{
    // KEYS[1] state. ARGV: expected etag ('' = no record), new etag, data. Returns {1, new etag} or {0, stored etag or ''}.
    private static readonly LuaScript s_write = new("""
        local current = redis.call('HGET', KEYS[1], 'etag') or ''
        if current ~= ARGV[1] then return {0, current} end
        redis.call('HSET', KEYS[1], 'etag', ARGV[2], 'data', ARGV[3])
        return {1, ARGV[2]}
        """);

    // KEYS[1] state. ARGV: expected etag ('' = none). Clearing a missing record succeeds.
    private static readonly LuaScript s_clear = new("""
        local current = redis.call('HGET', KEYS[1], 'etag')
        if not current then return {1, ''} end
        if current ~= ARGV[1] then return {0, current} end
        redis.call('DEL', KEYS[1])
        return {1, ''}
        """);

    /// <summary>The name the provider is registered under.</summary>
    public string Name { get; } = name;

    public async Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var fields = await db.HashGetAllAsync(StateKey(stateName, grainId), cancellationToken).ConfigureAwait(false);
        if (fields.TryGetValue("etag", out var etag) && fields.TryGetValue("data", out var data))
        {
            grainState.State = JsonSerializer.Deserialize<TState>(data.ToByteArray()!)!;
            grainState.Etag = etag.ToString();
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = PersistentState<TState>.CreateDefault();
            grainState.Etag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var json = JsonSerializer.SerializeToUtf8Bytes(grainState.State);
        var etag = Guid.NewGuid().ToString("N");
        var reply = await db.ScriptEvaluateAsync(s_write, [StateKey(stateName, grainId)], [grainState.Etag ?? string.Empty, etag, json], cancellationToken).ConfigureAwait(false);
        if (reply[0].AsInt64() != 1)
        {
            throw Conflict(stateName, grainId, reply[1].AsString(), grainState.Etag, "nothing was written");
        }

        grainState.Etag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var reply = await db.ScriptEvaluateAsync(s_clear, [StateKey(stateName, grainId)], [grainState.Etag ?? string.Empty], cancellationToken).ConfigureAwait(false);
        if (reply[0].AsInt64() != 1)
        {
            throw Conflict(stateName, grainId, reply[1].AsString(), grainState.Etag, "nothing was cleared");
        }

        grainState.Etag = null;
        grainState.RecordExists = false;
    }

    /// <summary>The Redis key of a state.</summary>
    internal string StateKey(string stateName, GrainId grainId) => $"{keyPrefix}:{stateName}:{grainId.Type}/{grainId.Key}";

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? stored, string? held, string outcome)
    {
        stored = string.IsNullOrEmpty(stored) ? null : stored;
        return new InconsistentStateException(
            $"State '{stateName}' of {grainId} in Redis storage '{Name}' was changed by another writer (stored ETag {stored ?? "none"}, writer held {held ?? "none"}); {outcome}.",
            stored,
            held);
    }
}
