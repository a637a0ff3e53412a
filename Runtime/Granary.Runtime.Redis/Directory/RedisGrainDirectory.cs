using System.Globalization;
using System.Text.Json;
using Granary.Redis;
using Granary.Runtime.Directory;

namespace Granary.Runtime.Redis.Directory;

/// <summary>
/// The grain directory in Redis. Each grain has a hash <c>{KeyPrefix}:{ClusterId}:dir:{grainType}/{grainKey}</c> with
/// fields <c>id</c> (<c>{silo}#{generation}/{activationId}</c>, the identity compared by the scripts), <c>silo</c>
/// and <c>addr</c> (the address as JSON). Each silo incarnation has a set
/// <c>{KeyPrefix}:{ClusterId}:dir-silo:{silo}#{generation}</c> of its grains' hash keys, kept by the same scripts, so
/// removing a dead silo's entries reads only that set and never scans the keyspace.
/// </summary>
internal sealed class RedisGrainDirectory(RedisConnectionSource connection, string keyPrefix, string clusterId) : IGrainDirectory
{
    // KEYS: grain hash, new silo's set, previous entry's silo set. ARGV: new id, new silo, new JSON, previous id or ''.
    private static readonly LuaScript s_register = new("""
        local current = redis.call('HGET', KEYS[1], 'id')
        if current and current ~= ARGV[1] and current ~= ARGV[4] then return redis.call('HGET', KEYS[1], 'addr') end
        if current == ARGV[1] then return redis.call('HGET', KEYS[1], 'addr') end
        if current then redis.call('SREM', KEYS[3], KEYS[1]) end
        redis.call('HSET', KEYS[1], 'id', ARGV[1], 'silo', ARGV[2], 'addr', ARGV[3])
        redis.call('SADD', KEYS[2], KEYS[1])
        return ARGV[3]
        """);

    // KEYS: grain hash, its silo's set. ARGV: expected id.
    private static readonly LuaScript s_unregister = new("""
        if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('SREM', KEYS[2], KEYS[1])
        return 1
        """);

    // KEYS: grain hash. ARGV: the dead silo. Deletes the entry only if it still points to that silo.
    private static readonly LuaScript s_unregisterIfOnSilo = new("""
        if redis.call('HGET', KEYS[1], 'silo') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        return 1
        """);

    private const int CleanupBatch = 256;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _prefix = $"{keyPrefix}:{clusterId}";

    public async Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previous, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var newSet = SiloSetKey(address.Silo);
        var reply = await db.ScriptEvaluateAsync(
            s_register,
            [GrainKey(address.GrainId), newSet, previous is null ? newSet : SiloSetKey(previous.Silo)],
            [Identity(address), SiloKey(address.Silo), JsonSerializer.Serialize(DirectoryRow.From(address), s_json), previous is null ? string.Empty : Identity(previous)],
            cancellationToken).ConfigureAwait(false);
        var winner = Parse(reply.AsString());
        return winner == address ? address : winner;
    }

    public async Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var value = await db.HashGetAsync(GrainKey(grainId), "addr", cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : Parse(value.ToString());
    }

    public async Task UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await db.ScriptEvaluateAsync(s_unregister, [GrainKey(address.GrainId), SiloSetKey(address.Silo)], [Identity(address)], cancellationToken).ConfigureAwait(false);
    }

    public async Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default)
    {
        var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        foreach (var silo in silos)
        {
            var setKey = SiloSetKey(silo);
            var siloKey = SiloKey(silo);
            while (true)
            {
                // SPOP takes a batch out of the set atomically, so concurrent cleanups of the same silo share the work.
                var batch = await db.ExecuteAsync("SPOP", [setKey, CleanupBatch], cancellationToken).ConfigureAwait(false);
                if (batch.IsNull || batch.Count == 0)
                {
                    break;
                }

                var deletes = batch.Elements
                    .Select(k => db.ScriptEvaluateAsync(s_unregisterIfOnSilo, [k.AsString()!], [siloKey], cancellationToken).AsTask())
                    .ToList();
                await Task.WhenAll(deletes).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The Redis key of a grain's entry.</summary>
    internal string GrainKey(GrainId grainId) => $"{_prefix}:dir:{grainId.Type}/{grainId.Key}";

    /// <summary>The Redis key of the set of a silo's grain entries.</summary>
    internal string SiloSetKey(SiloAddress silo) => $"{_prefix}:dir-silo:{SiloKey(silo)}";

    private static string SiloKey(SiloAddress silo) => $"{silo.Name}#{silo.Generation.ToString(CultureInfo.InvariantCulture)}";

    private static string Identity(GrainAddress address) => $"{SiloKey(address.Silo)}/{address.ActivationId:N}";

    private static GrainAddress Parse(string? json) =>
        (JsonSerializer.Deserialize<DirectoryRow>(json ?? throw new InvalidDataException("The directory script returned no entry."), s_json)
            ?? throw new InvalidDataException("A directory entry is empty.")).ToAddress();
}
