namespace Granary.Runtime.Redis;

/// <summary>Where the Redis membership table and grain directory live (see <c>UseRedisClustering</c>).</summary>
public sealed class RedisClusteringOptions
{
    /// <summary>
    /// The Redis server as <c>redis://[user:password@]host[:port][/db]</c>. Every silo of the cluster must use the
    /// same server and database.
    /// </summary>
    public string ConnectionString { get; set; } = "redis://127.0.0.1:6379/0";

    /// <summary>
    /// The first part of every key this provider writes; the cluster id follows it, so several clusters can share
    /// one database (<c>{KeyPrefix}:{ClusterId}:membership</c>, <c>{KeyPrefix}:{ClusterId}:dir:...</c>).
    /// </summary>
    public string KeyPrefix { get; set; } = "granary";
}
