using System.Globalization;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Tests;

/// <summary>The <c>redis</c> resource on a node silo, writing to a real redis-server.</summary>
public sealed class RedisResourceTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;
    private ExecutorCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _cluster = await ExecutorCluster.StartAsync(nodes: 1, node: s => s.AddRedisResource());
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private WorkflowSpec CountingIntoRedis(string key, string initPayload) => new()
    {
        Functions = [ExecutorCluster.DotnetFunction<CountingSource>("source", initPayload, new() { ["output"] = "store" })],
        Resources =
        [
            new ResourceSpec("store", "redis")
            {
                Configurations = new Dictionary<string, string> { ["url"] = $"redis://127.0.0.1:{_redis.Port}", ["key"] = key },
            },
        ],
    };

    private async Task<long?> ValueAsync(string key)
    {
        var text = await RedisCli.RunAsync(_redis.Port, "GET", key);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    [Fact]
    public async Task Redis_cli_GET_shows_the_latest_value_cast_into_the_resource()
    {
        var key = "granary:test:" + Guid.NewGuid().ToString("N");

        await _cluster.DomainGrain.DeployWorkflow("counting", CountingIntoRedis(key, "period=30,count=25"));

        await Eventually.HoldsAsync(async () => await ValueAsync(key) == 25, what: $"GET {key} should reach 25");
        await Task.Delay(300);
        Assert.Equal("25", await RedisCli.RunAsync(_redis.Port, "GET", key));
    }

    [Fact]
    public async Task A_redis_outage_leaves_the_instance_running_and_the_latest_value_is_written_when_redis_returns()
    {
        var key = "granary:test:" + Guid.NewGuid().ToString("N");
        var ids = await _cluster.DomainGrain.DeployWorkflow("outage", CountingIntoRedis(key, "period=50"));
        var store = await _cluster.InstanceOfAsync(ids["store"]);
        await Eventually.HoldsAsync(async () => await ValueAsync(key) >= 3, what: "values reach Redis before the outage");
        var beforeOutage = (await ValueAsync(key))!.Value;

        await _redis.KillAsync();
        await Eventually.HoldsAsync(
            () => Task.FromResult(_cluster.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot write to Redis", StringComparison.Ordinal))),
            what: "the resource warns that Redis is unreachable");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(store, await _cluster.InstanceOfAsync(ids["store"]));
        await _redis.RestartAsync();

        // The restarted server is empty: the key comes back only through the resource, with a newer value.
        await Eventually.HoldsAsync(async () => await ValueAsync(key) > beforeOutage + 10, timeoutMs: 30_000, what: "newer values reach Redis after it returns");
        Assert.Equal(store, await _cluster.InstanceOfAsync(ids["store"]));
        Assert.DoesNotContain(_cluster.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_redis_resource_without_a_key_is_not_started_and_says_why()
    {
        var spec = CountingIntoRedis("unused", "period=50") with
        {
            Resources = [new ResourceSpec("store", "redis") { Configurations = new Dictionary<string, string> { ["url"] = $"redis://127.0.0.1:{_redis.Port}" } }],
        };

        var ids = await _cluster.DomainGrain.DeployWorkflow("no-key", spec);

        await Eventually.HoldsAsync(async () => (await _cluster.DomainGrain.Inspect()).Unplaced.TryGetValue(ids["store"], out var why) && why.Contains("needs the configuration 'key'", StringComparison.Ordinal),
            what: "the resource is reported unplaced with the reason");
    }
}
