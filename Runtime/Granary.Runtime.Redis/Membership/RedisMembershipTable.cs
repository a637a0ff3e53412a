using System.Globalization;
using System.Text.Json;
using Granary.Redis;
using Granary.Runtime.Membership;

namespace Granary.Runtime.Redis.Membership;

/// <summary>
/// The membership table in one Redis hash per cluster (<c>{KeyPrefix}:{ClusterId}:membership</c>). Field
/// <c>version</c> is the table version; field <c>row:{silo}#{generation}</c> holds a silo incarnation's row as JSON
/// with its etag (<c>{"etag":"N","row":{...}}</c>, N being the table version the write produced); field
/// <c>alive:{silo}#{generation}</c> holds its latest "I am alive" time in Unix milliseconds, so that heartbeats do not
/// touch the row or its etag. Insert, update and cleanup are Lua scripts, so each compare-and-set is atomic.
/// </summary>
internal sealed class RedisMembershipTable(RedisConnectionSource connection, string keyPrefix, string clusterId) : IMembershipTable
{
    private const string VersionField = "version";
    private const string RowPrefix = "row:";
    private const string AlivePrefix = "alive:";

    // KEYS[1] table; ARGV: row field, alive field, row JSON, alive ms.
    private static readonly LuaScript s_insert = new("""
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
        local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
        redis.call('HSET', KEYS[1], ARGV[1], '{"etag":"' .. v .. '","row":' .. ARGV[3] .. '}', ARGV[2], ARGV[4])
        return 1
        """);

    // KEYS[1] table; ARGV: row field, alive field, row JSON, alive ms, expected etag.
    private static readonly LuaScript s_update = new("""
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if not current then return 0 end
        if string.match(current, '^{"etag":"(%d+)"') ~= ARGV[5] then return 0 end
        local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
        redis.call('HSET', KEYS[1], ARGV[1], '{"etag":"' .. v .. '","row":' .. ARGV[3] .. '}')
        local alive = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
        if tonumber(ARGV[4]) > alive then redis.call('HSET', KEYS[1], ARGV[2], ARGV[4]) end
        return 1
        """);

    // KEYS[1] table; ARGV: row field, alive field, alive ms.
    private static readonly LuaScript s_iAmAlive = new("""
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
        return 1
        """);

    // KEYS[1] table; ARGV: row field, alive field, expected etag.
    private static readonly LuaScript s_delete = new("""
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if not current or string.match(current, '^{"etag":"(%d+)"') ~= ARGV[3] then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _key = $"{keyPrefix}:{clusterId}:membership";

    /// <summary>The Redis key of the table.</summary>
    public string Key => _key;

    public async Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var fields = await db.HashGetAllAsync(_key, cancellationToken).ConfigureAwait(false);
        long version = 0;
        var entries = new List<VersionedEntry>();
        foreach (var (field, value) in fields)
        {
            if (field == VersionField)
            {
                version = value.ToInt64();
            }
            else if (field.StartsWith(RowPrefix, StringComparison.Ordinal))
            {
                var stored = JsonSerializer.Deserialize<StoredMembershipRow>(value.ToString()!, s_json)
                    ?? throw new InvalidDataException($"Membership row {field} of {_key} is empty.");
                var entry = stored.Row.ToEntry();
                if (fields.TryGetValue(AlivePrefix + field[RowPrefix.Length..], out var alive) &&
                    DateTimeOffset.FromUnixTimeMilliseconds(alive.ToInt64()) is var heartbeat && heartbeat > entry.IAmAliveTime)
                {
                    entry = entry with { IAmAliveTime = heartbeat };
                }

                entries.Add(new VersionedEntry(entry, stored.ETag));
            }
        }

        return new MembershipSnapshot(entries, version);
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var reply = await db.ScriptEvaluateAsync(s_insert, [_key], [RowField(entry.Silo), AliveField(entry.Silo), Serialize(entry), Millis(entry.IAmAliveTime)], cancellationToken).ConfigureAwait(false);
        return reply.AsInt64() == 1;
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var reply = await db.ScriptEvaluateAsync(s_update, [_key], [RowField(entry.Silo), AliveField(entry.Silo), Serialize(entry), Millis(entry.IAmAliveTime), etag], cancellationToken).ConfigureAwait(false);
        return reply.AsInt64() == 1;
    }

    public async Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await db.ScriptEvaluateAsync(s_iAmAlive, [_key], [RowField(silo), AliveField(silo), Millis(time)], cancellationToken).ConfigureAwait(false);
    }

    public async Task CleanupDefunctEntriesAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var snapshot = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var deletes = snapshot.Entries
            .Where(e => e.Entry.Status == SiloStatus.Dead && e.Entry.IAmAliveTime < before)
            .Select(e => db.ScriptEvaluateAsync(s_delete, [_key], [RowField(e.Entry.Silo), AliveField(e.Entry.Silo), e.ETag], cancellationToken).AsTask())
            .ToList();
        await Task.WhenAll(deletes).ConfigureAwait(false);
    }

    private static string SiloKey(SiloAddress silo) => $"{silo.Name}#{silo.Generation.ToString(CultureInfo.InvariantCulture)}";

    private static string RowField(SiloAddress silo) => RowPrefix + SiloKey(silo);

    private static string AliveField(SiloAddress silo) => AlivePrefix + SiloKey(silo);

    private static string Serialize(MembershipEntry entry) => JsonSerializer.Serialize(MembershipRow.From(entry), s_json);

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
}
