using Granary.Grains.Redis;
using System.Text.Json;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Protection;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using Granary.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Granary.Platform.Tests.Proxy;

/// <summary>The Redis proxy mirror's keys, their content, removal, and recovery after a Redis outage (real redis-server).</summary>
public sealed class ProxyMirrorTests : IAsyncLifetime
{
    private static readonly Guid NodeA = Guid.NewGuid();
    private static readonly Guid NodeB = Guid.NewGuid();
    private static readonly LogicalFunctionId Function = LogicalFunctionId.New();
    private static readonly LogicalFunctionId Log = LogicalFunctionId.New();
    private RedisServerProcess _server = null!;
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Db => _connection.GetDatabase();

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(_server.ConnectionString + "?timeout=2000"));
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static DomainSnapshot Snapshot(bool withNodeB = true, bool withFunction = true)
    {
        var nodes = new List<NodeSnapshot>
        {
            new()
            {
                Descriptor = new NodeDescriptor(NodeA, new NodeCapabilities { NumCpus = 4, Runtimes = ["DOTNET"] })
                {
                    ResourceProviders = [new ResourceProviderDescriptor("file-log-a", "file-log")],
                },
                Health = new NodeHealth { MemFree = 1234 },
                Protection = NodeProtectionState.Tainted,
            },
        };
        if (withNodeB)
        {
            nodes.Add(new NodeSnapshot { Descriptor = new NodeDescriptor(NodeB, new NodeCapabilities { NumCpus = 2 }) });
        }

        var functions = new List<FunctionSnapshot>();
        if (withFunction)
        {
            functions.Add(new FunctionSnapshot
            {
                LogicalId = Function,
                WorkflowId = "wf",
                Component = "gen",
                Annotations = new() { ["init-payload"] = "message=hi" },
                Instances = [new InstanceId(NodeA, Guid.NewGuid())],
                Dependencies = new() { ["output"] = Log },
            });
        }

        return new DomainSnapshot { DomainId = "domain-x", Nodes = nodes, Functions = functions };
    }

    [Fact]
    public async Task Every_mirrored_key_appears_with_the_documented_content()
    {
        var mirror = new RedisProxyMirror(Db, NullLogger<RedisProxyMirror>.Instance);

        await mirror.MirrorAsync(Snapshot());

        Assert.Equal("domain-x", (await Db.StringGetAsync(ProxyKeys.DomainInfo)).ToString());
        using var capabilities = JsonDocument.Parse((await Db.StringGetAsync($"nodes:capabilities:{NodeA:D}")).ToString()!);
        Assert.Equal(4, capabilities.RootElement.GetProperty("num_cpus").GetInt32());
        using var health = JsonDocument.Parse((await Db.StringGetAsync($"node:health:{NodeA:D}")).ToString()!);
        Assert.Equal(1234, health.RootElement.GetProperty("mem_free").GetInt64());
        Assert.Equal("tainted", health.RootElement.GetProperty("protection").GetString());
        using var provider = JsonDocument.Parse((await Db.StringGetAsync("provider:file-log-a")).ToString()!);
        Assert.Equal("file-log", provider.RootElement.GetProperty("class_type").GetString());
        Assert.Equal(NodeA.ToString("D"), provider.RootElement.GetProperty("node_id").GetString());
        using var instance = JsonDocument.Parse((await Db.StringGetAsync($"instance:{Function}")).ToString()!);
        Assert.Equal("message=hi", instance.RootElement.GetProperty("annotations").GetProperty("init-payload").GetString());
        Assert.Equal(NodeA.ToString("D"), instance.RootElement.GetProperty("instances")[0].GetProperty("node_id").GetString());
        using var dependency = JsonDocument.Parse((await Db.StringGetAsync($"dependency:{Function}")).ToString()!);
        Assert.Equal(Log.ToString(), dependency.RootElement.GetProperty("output").GetString());
    }

    [Fact]
    public async Task The_first_write_flushes_the_database_and_vanished_subjects_lose_their_keys()
    {
        await Db.StringSetAsync("left-over", "from a previous run");
        var mirror = new RedisProxyMirror(Db, NullLogger<RedisProxyMirror>.Instance);
        await mirror.MirrorAsync(Snapshot());
        Assert.False(await Db.KeyExistsAsync("left-over"));

        await mirror.MirrorAsync(Snapshot(withNodeB: false, withFunction: false));

        Assert.False(await Db.KeyExistsAsync($"nodes:capabilities:{NodeB:D}"));
        Assert.False(await Db.KeyExistsAsync($"node:health:{NodeB:D}"));
        Assert.False(await Db.KeyExistsAsync($"instance:{Function}"));
        Assert.False(await Db.KeyExistsAsync($"dependency:{Function}"));
        Assert.True(await Db.KeyExistsAsync($"nodes:capabilities:{NodeA:D}"));
    }

    [Fact]
    public async Task After_a_redis_outage_the_mirror_is_complete_again_once_redis_returns()
    {
        var mirror = new RedisProxyMirror(Db, NullLogger<RedisProxyMirror>.Instance);
        await mirror.MirrorAsync(Snapshot());

        await _server.KillAsync();
        await mirror.MirrorAsync(Snapshot());
        Assert.True(mirror.Degraded);

        await _server.RestartAsync();
        var deadline = Environment.TickCount64 + 15_000;
        do
        {
            await Task.Delay(200);
            await mirror.MirrorAsync(Snapshot());
        }
        while (mirror.Degraded && Environment.TickCount64 < deadline);

        Assert.False(mirror.Degraded);
        Assert.True(await Db.KeyExistsAsync($"instance:{Function}"));
        Assert.True(await Db.KeyExistsAsync($"node:health:{NodeB:D}"));
        Assert.Equal("domain-x", (await Db.StringGetAsync(ProxyKeys.DomainInfo)).ToString());
    }

    private static DomainSnapshot WithPerformance(InstanceId instance, long total, params double[] seconds) => Snapshot() with
    {
        Performance =
        [
            new InstancePerformance
            {
                Instance = instance,
                Total = total,
                Samples = [.. seconds.Select((s, i) => new FunctionExecutionSample(instance, TimeSpan.FromSeconds(s), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + i)))],
            },
        ],
    };

    [Fact]
    public async Task Performance_lists_get_the_new_samples_appended_are_trimmed_and_disappear_with_their_instance()
    {
        var mirror = new RedisProxyMirror(Db, NullLogger<RedisProxyMirror>.Instance, maxPerformanceSamples: 3);
        var instance = new InstanceId(NodeA, Guid.NewGuid());
        var key = $"performance:function_execution_time:{instance.ComponentId:D}";

        await mirror.MirrorAsync(WithPerformance(instance, 2, 0.5, 0.25));
        Assert.Equal(["0.5,1700000000", "0.25,1700000000.001"], (await Db.ListRangeAsync(key)).Select(v => v.ToString()));

        // Two more samples reported: the window now holds the last three of four, and only the two new ones are appended.
        await mirror.MirrorAsync(WithPerformance(instance, 4, 0.25, 0.125, 0.001));
        Assert.Equal(["0.25,1700000000.001", "0.125,1700000000.001", "0.001,1700000000.002"], (await Db.ListRangeAsync(key)).Select(v => v.ToString()));

        await mirror.MirrorAsync(Snapshot());
        Assert.False(await Db.KeyExistsAsync(key));
    }

    [Fact]
    public async Task Intents_are_taken_head_to_tail_and_malformed_ones_are_reported()
    {
        var lid = LogicalFunctionId.New();
        await Db.StringSetAsync($"intent:migrate:{lid}", NodeB.ToString("D"));
        await Db.StringSetAsync($"intent:cordon:{NodeA:D}", "yes");
        await Db.StringSetAsync("intent:migrate:not-a-uuid", "x");
        await Db.ListRightPushAsync("intents", [$"intent:migrate:{lid}", $"intent:cordon:{NodeA:D}", "intent:migrate:not-a-uuid"]);

        var intents = await new ProxyIntentReader(Db).TakeAllAsync();

        Assert.Collection(intents,
            i => Assert.Equal(new MigrateIntent($"intent:migrate:{lid}", lid, NodeB.ToString("D")), i),
            i => Assert.Equal(new CordonIntent($"intent:cordon:{NodeA:D}", NodeA.ToString("D"), true), i),
            i => Assert.IsType<InvalidIntent>(i));
        Assert.Equal(0, await Db.ListLengthAsync("intents"));
        Assert.False(await Db.KeyExistsAsync($"intent:migrate:{lid}"));
    }

    [Theory]
    [InlineData(0.2433793, 1725557090920, "0.2433793,1725557090.92")]
    [InlineData(0.5, 1700000000000, "0.5,1700000000")]
    [InlineData(12.0000001, 1700000000001, "12.0000001,1700000000.001")]
    public void A_performance_sample_is_written_as_edgeless_writes_it_and_read_back(double seconds, long unixMs, string expected)
    {
        var text = ProxyKeys.PerformanceSample(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

        Assert.Equal(expected, text);
        Assert.True(ProxyKeys.TryParsePerformanceSample(text, out var executionTime, out var at));
        Assert.Equal(seconds, executionTime.TotalSeconds, 9);
        Assert.Equal(unixMs, at.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("0.5,1725557090920")]
    [InlineData("-0.5,1725557090.92")]
    [InlineData("0.5")]
    [InlineData("fast,1725557090.92")]
    public void Text_that_is_not_an_edgeless_performance_sample_is_not_read(string text)
    {
        Assert.False(ProxyKeys.TryParsePerformanceSample(text, out _, out _));
    }
}
