using Granary.Grains.Redis;
using System.Text.Json;
using System.Text.RegularExpressions;
using Granary.Examples;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Granary.Platform.Tests.Proxy;

/// <summary>
/// The Redis proxy of a domain of two node silos, on a real redis-server: the mirrored keys, intents written with the
/// real redis-cli, and a Redis outage during a run.
/// </summary>
public sealed partial class DomainProxyTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "granary-proxy-" + Guid.NewGuid().ToString("N"));
    private RedisServerProcess _server = null!;
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Db => _connection.GetDatabase();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _server = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(_server.ConnectionString + "?timeout=2000"));
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>
    /// Starts a 2-node domain with the Redis proxy and waits for its first mirror write: that write flushes the
    /// database (as the seed's orchestrator does at start), so an intent written before it would be wiped.
    /// </summary>
    private async Task<PlatformCluster> StartAsync()
    {
        var platform = await PlatformCluster.StartAsync(nodes: 2, orchestrator: s => s.AddGranaryProxy(o =>
        {
            o.Type = "Redis";
            o.Url = _server.ConnectionString;
            o.DomainId = PlatformCluster.Domain;
        }));
        try
        {
            await platform.WaitAsync(async () => await Db.KeyExistsAsync("domain_info:domain_id"));
            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    /// <summary>A message generator (every 100 ms) feeding a file-log resource: the seed's file_log tutorial.</summary>
    private WorkflowSpec GeneratorToLog(string logFile, Dictionary<string, string>? generatorAnnotations = null) => new()
    {
        Functions = [PlatformCluster.Function<MessageGenerator>("gen", "message=hello,period=100", new() { ["output"] = "log" }, generatorAnnotations)],
        Resources =
        [
            new ResourceSpec("log", "file-log")
            {
                Configurations = new Dictionary<string, string> { ["filename"] = Path.Combine(_directory, logFile), ["add-timestamp"] = "true" },
            },
        ],
    };

    private List<string> LogLines(string logFile)
    {
        var path = Path.Combine(_directory, logFile);
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private async Task<JsonElement> JsonAsync(string key)
    {
        var value = await Db.StringGetAsync(key);
        Assert.False(value.IsNull, $"key {key} is missing");
        using var document = JsonDocument.Parse(value.ToString()!);
        return document.RootElement.Clone();
    }

    private static async Task<InstanceId> InstanceOf(PlatformCluster platform, LogicalFunctionId lid) =>
        (await platform.DomainGrain.Inspect()).Instances[lid].Single();

    private static async Task<bool> WhileRedisReturnsAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (RedisException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\d+(\.\d+)?,\d{10}(\.\d{1,3})?$")]
    private static partial Regex PerformanceSample();

    [Fact]
    public async Task Performance_samples_carry_the_time_the_orchestrator_received_them_in_unix_seconds()
    {
        await using var platform = await StartAsync();
        var deployed = DateTimeOffset.UtcNow;
        var ids = await platform.DomainGrain.DeployWorkflow("received", GeneratorToLog("received.log"));
        var gen = await InstanceOf(platform, ids["gen"]);
        var key = $"performance:function_execution_time:{gen.ComponentId:D}";
        await platform.WaitAsync(async () => await Db.ListLengthAsync(key) >= 10);

        var samples = (await Db.ListRangeAsync(key)).Select(v => v.ToString()).ToList();
        var received = DateTimeOffset.UtcNow;

        var times = samples.Select(s =>
        {
            Assert.True(ProxyKeys.TryParsePerformanceSample(s, out var executionTime, out var at), $"'{s}' is not exec_time,unix_seconds");
            Assert.True(executionTime > TimeSpan.Zero && executionTime < TimeSpan.FromSeconds(5), s);
            return at;
        }).ToList();
        Assert.All(times, at => Assert.InRange(at, deployed.AddSeconds(-1), received.AddSeconds(1)));

        // The generator handles an event every 100 ms and its node reports every 500 ms: samples that arrived with the
        // same refresh share its time of receipt, where handler completion times would all differ.
        Assert.True(times.Distinct().Count() < times.Count, $"every sample has its own timestamp: {string.Join(' ', samples)}");
    }

    [Fact]
    public async Task Every_mirrored_key_appears_with_the_documented_content_and_disappears_with_its_subject()
    {
        await using var platform = await StartAsync();
        var ids = await platform.DomainGrain.DeployWorkflow("mirror", GeneratorToLog("mirror.log"));
        var gen = await InstanceOf(platform, ids["gen"]);
        var performanceKey = $"performance:function_execution_time:{gen.ComponentId:D}";
        await platform.WaitAsync(async () => await Db.ListLengthAsync(performanceKey) > 0 && await Db.KeyExistsAsync($"dependency:{ids["gen"]}"));

        Assert.Equal(PlatformCluster.Domain, (await Db.StringGetAsync("domain_info:domain_id")).ToString());
        for (var i = 0; i < 2; i++)
        {
            var node = platform.Nodes[i].Name;
            var capabilities = await JsonAsync($"nodes:capabilities:{node}");
            Assert.Equal(i + 1, capabilities.GetProperty("num_cpus").GetInt32());
            Assert.Contains("DOTNET", capabilities.GetProperty("runtimes").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal([$"index={i}"], capabilities.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!));
            Assert.True(capabilities.GetProperty("mem_size").GetInt64() > 0);
            Assert.True((await JsonAsync($"node:health:{node}")).GetProperty("mem_available").GetInt64() > 0);
            var provider = await JsonAsync($"provider:file-log-{Guid.Parse(node):N}");
            Assert.Equal("file-log", provider.GetProperty("class_type").GetString());
            Assert.Equal(node, provider.GetProperty("node_id").GetString());
        }

        var instance = await JsonAsync($"instance:{ids["gen"]}");
        Assert.Equal("message=hello,period=100", instance.GetProperty("annotations").GetProperty("init-payload").GetString());
        var active = Assert.Single(instance.GetProperty("instances").EnumerateArray());
        Assert.Equal(gen.NodeId.ToString("D"), active.GetProperty("node_id").GetString());
        Assert.Equal(gen.ComponentId.ToString("D"), active.GetProperty("function_id").GetString());
        Assert.Equal("resource", (await JsonAsync($"instance:{ids["log"]}")).GetProperty("kind").GetString());
        Assert.Equal(ids["log"].ToString(), (await JsonAsync($"dependency:{ids["gen"]}")).GetProperty("output").GetString());
        Assert.Empty((await JsonAsync($"dependency:{ids["log"]}")).EnumerateObject());
        Assert.All(await Db.ListRangeAsync(performanceKey), s => Assert.Matches(PerformanceSample(), s.ToString()!));

        await platform.DomainGrain.StopWorkflow("mirror");
        await platform.WaitAsync(async () => !await Db.KeyExistsAsync($"instance:{ids["gen"]}"));
        Assert.False(await Db.KeyExistsAsync($"dependency:{ids["gen"]}"));
        Assert.False(await Db.KeyExistsAsync($"instance:{ids["log"]}"));
        Assert.False(await Db.KeyExistsAsync(performanceKey));

        var lost = platform.Nodes[1];
        await platform.Cluster.KillSiloAsync(lost);
        await platform.WaitAsync(async () => !await Db.KeyExistsAsync($"nodes:capabilities:{lost.Name}"));
        Assert.False(await Db.KeyExistsAsync($"node:health:{lost.Name}"));
        Assert.False(await Db.KeyExistsAsync($"provider:file-log-{Guid.Parse(lost.Name):N}"));
        Assert.True(await Db.KeyExistsAsync($"nodes:capabilities:{platform.Nodes[0].Name}"));
    }

    [Fact]
    public async Task A_migrate_intent_written_with_redis_cli_moves_the_function_and_the_file_log_shows_the_new_node()
    {
        await using var platform = await StartAsync();
        var ids = await platform.DomainGrain.DeployWorkflow("migrate", GeneratorToLog("migrate.log"));
        await platform.WaitAsync(() => Task.FromResult(LogLines("migrate.log").Count >= 3));
        var old = await InstanceOf(platform, ids["gen"]);
        var target = platform.Nodes.Select(n => n.Name).Single(n => n != old.NodeId.ToString("D"));
        Assert.All(LogLines("migrate.log"), l => Assert.Contains($"from node_id {old.NodeId:D} ", l));

        var key = $"intent:migrate:{ids["gen"]}";
        await RedisCli.RunAsync(_server.Port, "SET", key, target);
        await RedisCli.RunAsync(_server.Port, "RPUSH", "intents", key);

        // Within 2 keep-alive intervals (0.5 s here) on an idle machine; the wait is generous for a loaded one.
        await platform.WaitAsync(() => Task.FromResult(LogLines("migrate.log").Any(l => l.Contains($"from node_id {target} ", StringComparison.Ordinal))));
        var moved = await InstanceOf(platform, ids["gen"]);
        Assert.Equal(target, moved.NodeId.ToString("D"));
        await platform.WaitAsync(async () => (await JsonAsync($"instance:{ids["gen"]}")).GetProperty("instances")[0].GetProperty("node_id").GetString() == target);
        var linesAtMove = LogLines("migrate.log").Count;
        await platform.WaitAsync(() => Task.FromResult(LogLines("migrate.log").Count > linesAtMove + 3));
        Assert.All(LogLines("migrate.log").TakeLast(3), l => Assert.Contains($"from node_id {target} function_id {moved.ComponentId:D} ", l));
        Assert.Equal(0, await Db.ListLengthAsync("intents"));
        Assert.False(await Db.KeyExistsAsync(key));
        Assert.Contains(platform.Logs.Entries, e => e.Message.Contains($"Proxy intent {key} applied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Infeasible_and_malformed_intents_are_ignored_and_logged()
    {
        await using var platform = await StartAsync();
        var home = platform.Nodes[0].Name;
        var other = platform.Nodes[1].Name;
        var ids = await platform.DomainGrain.DeployWorkflow("pinned", GeneratorToLog("pinned.log", new() { ["node_id_match_any"] = home }));
        var before = await InstanceOf(platform, ids["gen"]);

        // Head to tail: the infeasible migrate, an unknown node, a malformed key, then a feasible cordon that marks the end.
        var migrate = $"intent:migrate:{ids["gen"]}";
        await RedisCli.RunAsync(_server.Port, "SET", migrate, other);
        await RedisCli.RunAsync(_server.Port, "SET", $"intent:migrate:{ids["log"]}", "no-such-node");
        await RedisCli.RunAsync(_server.Port, "SET", "intent:migrate:not-a-uuid", other);
        await RedisCli.RunAsync(_server.Port, "SET", $"intent:cordon:{other}", "yes");
        await RedisCli.RunAsync(_server.Port, "RPUSH", "intents", migrate, $"intent:migrate:{ids["log"]}", "intent:migrate:not-a-uuid", $"intent:cordon:{other}");
        await platform.WaitAsync(async () => (await platform.DomainGrain.Snapshot()).Nodes.Single(n => n.Descriptor.Name == "node-1").Cordoned);

        Assert.Equal(before, await InstanceOf(platform, ids["gen"]));
        var ignored = platform.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Proxy intent", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Contains(ignored, m => m.Contains($"{migrate} ignored", StringComparison.Ordinal) && m.Contains("node_id_match_any", StringComparison.Ordinal));
        Assert.Contains(ignored, m => m.Contains($"intent:migrate:{ids["log"]} ignored", StringComparison.Ordinal) && m.Contains("'no-such-node' is not registered", StringComparison.Ordinal));
        Assert.Contains(ignored, m => m.Contains("intent:migrate:not-a-uuid ignored", StringComparison.Ordinal) && m.Contains("not a logical function id", StringComparison.Ordinal));
        Assert.Equal(0, await Db.ListLengthAsync("intents"));
        var lines = LogLines("pinned.log").Count;
        await platform.WaitAsync(() => Task.FromResult(LogLines("pinned.log").Count > lines + 3));
        Assert.All(LogLines("pinned.log"), l => Assert.Contains($"from node_id {home} ", l));
    }

    [Fact]
    public async Task A_cordon_intent_stops_new_placements_on_that_node_and_an_uncordon_intent_allows_them_again()
    {
        await using var platform = await StartAsync();
        var cordoned = platform.Nodes[0].Name;
        await RedisCli.RunAsync(_server.Port, "SET", $"intent:cordon:{cordoned}", "yes");
        await RedisCli.RunAsync(_server.Port, "RPUSH", "intents", $"intent:cordon:{cordoned}");
        await platform.WaitAsync(async () => (await platform.DomainGrain.Snapshot()).Nodes.Single(n => n.Descriptor.Name == "node-0").Cordoned);

        var key = Guid.NewGuid().ToString("N");
        var spread = await platform.DomainGrain.DeployWorkflow("spread", new WorkflowSpec
        {
            Functions = [.. Enumerable.Range(0, 4).Select(i => PlatformCluster.Function<IdleFunction>($"f{i}", $"key={key}"))],
        });
        var status = await platform.DomainGrain.Inspect();
        Assert.All(spread.Values, lid => Assert.NotEqual(cordoned, status.Instances[lid].Single().NodeId.ToString("D")));

        // The node may be named instead of given by id.
        await RedisCli.RunAsync(_server.Port, "SET", "intent:cordon:node-0", "no");
        await RedisCli.RunAsync(_server.Port, "RPUSH", "intents", "intent:cordon:node-0");
        await platform.WaitAsync(async () => !(await platform.DomainGrain.Snapshot()).Nodes.Single(n => n.Descriptor.Name == "node-0").Cordoned);
        var pinned = await platform.DomainGrain.DeployWorkflow("pinned", new WorkflowSpec
        {
            Functions = [PlatformCluster.Function<IdleFunction>("pinned", $"key={key}", null, new() { ["node_id_match_any"] = cordoned })],
        });
        Assert.Equal(cordoned, (await InstanceOf(platform, pinned["pinned"])).NodeId.ToString("D"));
    }

    [Fact]
    public async Task Killing_redis_does_not_stop_orchestration_and_the_mirror_is_complete_again_after_it_returns()
    {
        await using var platform = await StartAsync();
        var first = await platform.DomainGrain.DeployWorkflow("first", GeneratorToLog("first.log"));
        await platform.WaitAsync(async () => await Db.KeyExistsAsync($"instance:{first["gen"]}"));

        await _server.KillAsync();
        var second = await platform.DomainGrain.DeployWorkflow("second", GeneratorToLog("second.log"));
        await platform.DomainGrain.StopWorkflow("first");
        await platform.WaitAsync(() => Task.FromResult(LogLines("second.log").Count >= 3));
        await platform.WaitAsync(() => Task.FromResult(platform.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Proxy mirror cannot write to Redis", StringComparison.Ordinal))));
        var firstLines = LogLines("first.log").Count;

        await _server.RestartAsync();
        var gen = await InstanceOf(platform, second["gen"]);
        // The test's own connection reconnects too: until it does, its commands fail and the condition is not met yet.
        await platform.WaitAsync(
            () => WhileRedisReturnsAsync(async () => await Db.KeyExistsAsync($"instance:{second["gen"]}")
                && await Db.ListLengthAsync($"performance:function_execution_time:{gen.ComponentId:D}") > 0),
            timeoutMs: 30_000);

        Assert.Equal(PlatformCluster.Domain, (await Db.StringGetAsync("domain_info:domain_id")).ToString());
        foreach (var node in platform.Nodes)
        {
            Assert.True(await Db.KeyExistsAsync($"nodes:capabilities:{node.Name}"));
            Assert.True(await Db.KeyExistsAsync($"node:health:{node.Name}"));
            Assert.True(await Db.KeyExistsAsync($"provider:file-log-{Guid.Parse(node.Name):N}"));
        }

        Assert.True(await Db.KeyExistsAsync($"dependency:{second["gen"]}"));
        Assert.True(await Db.KeyExistsAsync($"instance:{second["log"]}"));
        Assert.False(await Db.KeyExistsAsync($"instance:{first["gen"]}"));
        Assert.Equal(firstLines, LogLines("first.log").Count);
    }
}
