using Granary.Persistence;
using Granary.Runtime.Hosting;
using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Cluster;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Redis;

/// <summary>Every cluster case of <see cref="ClusterTestsBase"/> on Redis membership, grain directory and grain storage.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisClusterTests(RedisServerFixture redis) : ClusterTestsBase
{
    private readonly string _prefix = "cluster-test-" + Guid.NewGuid().ToString("N")[..8];
    private string _clusterId = string.Empty;

    protected override TestClusterOptions CreateOptions()
    {
        var options = base.CreateOptions();
        _clusterId = options.ClusterId;
        var inner = options.ConfigureSilo;
        options.ConfigureSilo = silo =>
        {
            inner?.Invoke(silo);
            silo.UseRedisClustering(o =>
            {
                o.ConnectionString = redis.ConnectionString;
                o.KeyPrefix = _prefix;
            });
            silo.AddRedisGrainStorage(GrainStorageNames.Default, o =>
            {
                o.ConnectionString = redis.ConnectionString;
                o.KeyPrefix = _prefix + ":state";
            });
        };
        return options;
    }

    [Fact]
    public async Task The_cluster_keeps_membership_directory_and_state_in_redis()
    {
        var counter = Cluster.GrainFactory.GetGrain<ICounterGrain>("in-redis");
        await counter.Increment();

        var membership = await redis.Database.HashGetAllAsync($"{_prefix}:{_clusterId}:membership");
        Assert.Equal(3, membership.Keys.Count(k => k.StartsWith("row:", StringComparison.Ordinal)));
        var directoryKeys = new List<string>();
        await foreach (var key in redis.Database.ScanAsync($"{_prefix}:{_clusterId}:dir:*"))
        {
            directoryKeys.Add(key);
        }

        Assert.Contains(directoryKeys, k => k.EndsWith("/in-redis", StringComparison.Ordinal));
        var stateKeys = new List<string>();
        await foreach (var key in redis.Database.ScanAsync($"{_prefix}:state:*in-redis"))
        {
            stateKeys.Add(key);
        }

        Assert.Single(stateKeys);
    }
}
