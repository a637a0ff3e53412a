namespace Granary.Runtime.Redis;

/// <summary>Where a Redis grain storage provider keeps grain states (see <c>AddRedisGrainStorage</c>).</summary>
public sealed class RedisGrainStorageOptions
{
    /// <summary>The Redis server as <c>redis://[user:password@]host[:port][/db]</c>.</summary>
    public string ConnectionString { get; set; } = "redis://127.0.0.1:6379/0";

    /// <summary>
    /// The first part of every state key: <c>{KeyPrefix}:{stateName}:{grainType}/{grainKey}</c>. Give each service
    /// its own prefix when several share one database; two providers with the same prefix see the same records.
    /// </summary>
    public string KeyPrefix { get; set; } = "granary:state";
}
