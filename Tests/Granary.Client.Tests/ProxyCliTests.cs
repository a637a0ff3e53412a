using Granary.Grains.Redis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Granary.Cli;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using Granary.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Granary.Client.Tests;

/// <summary>
/// <c>granary proxy</c>, run in process against a real redis-server that holds a proxy mirror written by
/// <see cref="RedisProxyMirror"/> (the documented key layout) plus performance sample lists.
/// </summary>
public sealed class ProxyCliTests : IAsyncLifetime
{
    private static readonly Guid NodeA = Guid.Parse("03337f46-1dbe-41a1-94a4-75c0abc4e8f5");
    private static readonly Guid NodeB = Guid.Parse("fda6ce79-46df-4f96-a0d2-456f720f606d");
    private static readonly LogicalFunctionId Generator = LogicalFunctionId.Parse("02ccfc3d-8c9f-4a41-81c8-d4557cdb0c99");
    private static readonly LogicalFunctionId Log = LogicalFunctionId.Parse("9fd2e89c-e6ca-457c-ac64-465ac6ddcce0");
    private static readonly InstanceId GeneratorInstance = new(NodeB, Guid.Parse("1a5a0386-2115-4188-8e15-a8c8b8561770"));
    private static readonly InstanceId LogInstance = new(NodeA, Guid.Parse("c2a0cdfc-1ebf-4766-9dfd-2473315e6cab"));
    private RedisServerProcess _server = null!;
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Db => _connection.GetDatabase();

    private string Url => $"redis://127.0.0.1:{_server.Port}";

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(_server.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await GranaryCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private Task<(int Exit, string Out, string Err)> ProxyAsync(params string[] args) => RunAsync(["proxy", .. args, "--redis", Url]);

    private async Task MirrorAsync()
    {
        var snapshot = new DomainSnapshot
        {
            DomainId = "domain-7000",
            Nodes =
            [
                new NodeSnapshot
                {
                    Descriptor = new NodeDescriptor(NodeA, new NodeCapabilities { NumCpus = 1 }) { ResourceProviders = [new ResourceProviderDescriptor("file-log-a", "file-log")] },
                    Health = new NodeHealth { MemFree = 82208, MemUsed = 20916064, MemAvailable = 14934992, ProcCpuUsage = 49, ProcMemory = 458032, LoadAvg1 = 150, LoadAvg5 = 120, LoadAvg15 = 100 },
                },
                new NodeSnapshot
                {
                    Descriptor = new NodeDescriptor(NodeB, new NodeCapabilities { NumCpus = 4, Runtimes = ["DOTNET"] }),
                    Health = new NodeHealth { MemFree = 82048, ProcCpuUsage = 51 },
                },
            ],
            Functions =
            [
                new FunctionSnapshot
                {
                    LogicalId = Generator,
                    WorkflowId = "wf-1",
                    Component = "message_generator",
                    Annotations = new() { ["init-payload"] = "message=hello world,period=1000" },
                    Instances = [GeneratorInstance],
                    Dependencies = new() { ["output"] = Log },
                },
                new FunctionSnapshot
                {
                    LogicalId = Log,
                    WorkflowId = "wf-1",
                    Component = "log",
                    IsResource = true,
                    Annotations = new() { ["filename"] = "my-local-file.log" },
                    Instances = [LogInstance],
                },
            ],
        };
        await new RedisProxyMirror(Db, NullLogger<RedisProxyMirror>.Instance).MirrorAsync(snapshot);
        Assert.False(string.IsNullOrEmpty((await Db.StringGetAsync(ProxyKeys.Instance(Generator))).ToString()), "the mirror wrote instance:LID");
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string LineWith(string output, string text) =>
        Assert.Single(Lines(output), l => l.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task Show_node_health_lists_each_node_id_with_its_health_fields()
    {
        await MirrorAsync();

        var (exit, output, error) = await ProxyAsync("show", "node", "health");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("MEM FREE (kB)", output, StringComparison.Ordinal);
        Assert.Matches(Spaced(NodeA.ToString(), "82208", "20916064", "14934992", "49", "458032", "0", "1.50 1.20 1.00"), LineWith(output, NodeA.ToString()));
        Assert.Matches(Spaced(NodeB.ToString(), "82048", "0", "0", "51"), LineWith(output, NodeB.ToString()));
    }

    [Fact]
    public async Task Show_node_instances_lists_the_functions_and_resources_of_each_node()
    {
        await MirrorAsync();

        var (exit, output, error) = await ProxyAsync("show", "node", "instances");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Matches(Spaced(NodeA.ToString(), @"\[R\]", Log.ToString(), LogInstance.ComponentId.ToString(), "wf-1", "log"), LineWith(output, NodeA.ToString()));
        Assert.Matches(Spaced(NodeB.ToString(), @"\[F\]", Generator.ToString(), GeneratorInstance.ComponentId.ToString(), "wf-1", "message_generator"), LineWith(output, NodeB.ToString()));
    }

    [Fact]
    public async Task Show_logical_to_physical_maps_each_logical_id_to_its_physical_instances()
    {
        await MirrorAsync();

        var (exit, output, error) = await ProxyAsync("show", "logical-to-physical");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Matches(Spaced(Generator.ToString(), GeneratorInstance.ComponentId.ToString(), NodeB.ToString()), LineWith(output, Generator.ToString()));
        Assert.Matches(Spaced(Log.ToString(), LogInstance.ComponentId.ToString(), NodeA.ToString()), LineWith(output, Log.ToString()));
    }

    [Fact]
    public async Task Show_functions_lists_each_function_with_its_annotations_and_outputs()
    {
        await MirrorAsync();

        var (exit, output, error) = await ProxyAsync("show", "functions");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Matches(
            Spaced(Generator.ToString(), "wf-1", "message_generator", "function", NodeB.ToString(), Regex.Escape("init-payload=message=hello world,period=1000"), "output->" + Log),
            LineWith(output, Generator.ToString()));
        Assert.Matches(Spaced(Log.ToString(), "wf-1", "log", "resource", NodeA.ToString(), "filename=my-local-file.log", "-"), LineWith(output, Log + " "));
    }

    [Fact]
    public async Task Dump_performance_reads_samples_written_by_edgeless_and_leaves_out_entries_in_another_format()
    {
        string[] edgeless = ["0.243379291,1725557090.92", "0.000512,1725557091"];
        await Db.ListRightPushAsync(ProxyKeys.Performance(GeneratorInstance), [edgeless[0], "0.5,1725557090920", "not a sample", edgeless[1]]);
        var dir = Path.Combine(Path.GetTempPath(), "granary-dump-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output, error) = await ProxyAsync("dump", "performance", "--dir", dir);

            Assert.True(exit == ExitCodes.Success, error);
            Assert.Equal(edgeless, await File.ReadAllLinesAsync(Path.Combine(dir, GeneratorInstance.ComponentId + ".csv")));
            Assert.Contains(
                $"{GeneratorInstance.ComponentId}: 2 sample(s), 2024-09-05T17:24:50.920Z to 2024-09-05T17:24:51.000Z -> {Path.GetFullPath(dir)}",
                output,
                StringComparison.Ordinal);
            Assert.Contains("(2 unreadable entries left out)", output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Dump_performance_writes_one_file_per_instance_with_its_samples()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1725557090920);
        string[] first = [ProxyKeys.PerformanceSample(TimeSpan.FromSeconds(0.243379), now), ProxyKeys.PerformanceSample(TimeSpan.FromSeconds(0.2459), now.AddSeconds(2))];
        string[] second = [ProxyKeys.PerformanceSample(TimeSpan.FromMilliseconds(12), now)];
        await Db.ListRightPushAsync(ProxyKeys.Performance(GeneratorInstance), first.Select(s => (RedisValue)s).ToArray());
        await Db.ListRightPushAsync(ProxyKeys.Performance(LogInstance), second.Select(s => (RedisValue)s).ToArray());
        var dir = Path.Combine(Path.GetTempPath(), "granary-dump-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output, error) = await ProxyAsync("dump", "performance", "--dir", dir);

            Assert.True(exit == ExitCodes.Success, error);
            Assert.Equal(2, Directory.GetFiles(dir).Length);
            Assert.Equal(first, await File.ReadAllLinesAsync(Path.Combine(dir, GeneratorInstance.ComponentId + ".csv")));
            Assert.Equal(second, await File.ReadAllLinesAsync(Path.Combine(dir, LogInstance.ComponentId + ".csv")));
            Assert.Equal("0.243379,1725557090.92", first[0]);
            Assert.Contains($"{GeneratorInstance.ComponentId}: 2 sample(s), 2024-09-05T17:24:50.920Z to 2024-09-05T17:24:52.920Z", output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Intent_migrate_sets_the_intent_key_and_appends_it_to_intents()
    {
        var (exit, output, error) = await ProxyAsync("intent", "migrate", Generator.ToString(), NodeA.ToString());

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains($"intent:migrate:{Generator}", output, StringComparison.Ordinal);
        Assert.Equal(NodeA.ToString(), (await Db.StringGetAsync($"intent:migrate:{Generator}")).ToString());
        Assert.Equal([$"intent:migrate:{Generator}"], (await Db.ListRangeAsync("intents")).Select(v => v.ToString()));
        var intent = Assert.IsType<MigrateIntent>(Assert.Single(await new ProxyIntentReader(Db).TakeAllAsync()));
        Assert.Equal(Generator, intent.Function);
        Assert.Equal(NodeA.ToString(), intent.Node);
    }

    [Fact]
    public async Task Intent_cordon_and_uncordon_queue_yes_then_no_in_order()
    {
        Assert.Equal(ExitCodes.Success, (await ProxyAsync("intent", "cordon", NodeB.ToString())).Exit);
        Assert.Equal("yes", (await Db.StringGetAsync($"intent:cordon:{NodeB}")).ToString());
        var cordon = Assert.IsType<CordonIntent>(Assert.Single(await new ProxyIntentReader(Db).TakeAllAsync()));
        Assert.True(cordon.Cordon);

        Assert.Equal(ExitCodes.Success, (await ProxyAsync("intent", "uncordon", NodeB.ToString())).Exit);
        Assert.Equal(ExitCodes.Success, (await ProxyAsync("intent", "migrate", Log.ToString(), NodeB.ToString())).Exit);

        Assert.Equal([$"intent:cordon:{NodeB}", $"intent:migrate:{Log}"], (await Db.ListRangeAsync("intents")).Select(v => v.ToString()));
        Assert.Equal("no", (await Db.StringGetAsync($"intent:cordon:{NodeB}")).ToString());
        var intents = await new ProxyIntentReader(Db).TakeAllAsync();
        Assert.False(Assert.IsType<CordonIntent>(intents[0]).Cordon);
        Assert.Equal(Log, Assert.IsType<MigrateIntent>(intents[1]).Function);
    }

    [Fact]
    public async Task An_empty_proxy_says_so_instead_of_printing_empty_tables()
    {
        Assert.Contains("No nodes in the proxy.", (await ProxyAsync("show", "node", "health")).Out, StringComparison.Ordinal);
        Assert.Contains("No functions in the proxy.", (await ProxyAsync("show", "functions")).Out, StringComparison.Ordinal);
        Assert.Contains("No performance samples.", (await ProxyAsync("dump", "performance", "--dir", Path.GetTempPath())).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_redis_fails_with_exit_1_naming_its_address()
    {
        var port = UnusedPort();

        var (exit, output, error) = await RunAsync("proxy", "show", "node", "health", "--redis", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

        Assert.Equal(ExitCodes.ClusterError, exit);
        Assert.Contains($"Cannot reach the proxy Redis at 127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task A_migrate_intent_with_a_bad_logical_id_exits_2_and_queues_nothing()
    {
        var (exit, _, error) = await ProxyAsync("intent", "migrate", "not-a-uuid", NodeA.ToString());

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("'not-a-uuid' is not a logical function id", error, StringComparison.Ordinal);
        Assert.Equal(0, await Db.ListLengthAsync("intents"));
    }

    [Fact]
    public async Task Without_redis_option_the_address_comes_from_GRANARY_PROXY_URL()
    {
        await MirrorAsync();
        Environment.SetEnvironmentVariable(GranaryCli.ProxyUrlVariable, Url);
        try
        {
            var (exit, output, error) = await RunAsync("proxy", "show", "logical-to-physical");

            Assert.True(exit == ExitCodes.Success, error);
            Assert.Contains(GeneratorInstance.ComponentId.ToString(), output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(GranaryCli.ProxyUrlVariable, null);
        }
    }

    /// <summary>A pattern matching the cells in order, separated by table spacing.</summary>
    private static string Spaced(params string[] cells) => "^" + string.Join(@"\s+", cells) + @"(\s|$)";

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
