using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Granary.Executors.Telemetry;
using Granary.Grains.Events;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Platform;
using Granary.Grains.Protection;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Granary.Platform.Tests.Protection;

/// <summary>
/// Protection through the domain grain, with usage injected on every node (samples every 100 ms, refreshes every
/// 500 ms): limits, taints, shedding, restores, their events, and what nodes and tools show.
/// </summary>
public sealed class ProtectionClusterTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly ScriptedUsageProbes _probes = new();
    private ConcurrentQueue<PlatformEvent> _events = new();

    private async Task<PlatformCluster> StartAsync(int nodes, Action<ProtectionOptions>? configure = null, Action<ISiloBuilder>? configureNode = null)
    {
        var platform = await PlatformCluster.StartAsync(
            nodes,
            orchestrator: s => s.AddGranaryProtection(o =>
            {
                o.Enabled = true;
                configure?.Invoke(o);
            }),
            configureNode: s =>
            {
                s.Services.Configure<ProtectionOptions>(o => o.SampleInterval = TimeSpan.FromMilliseconds(100));
                s.Services.AddSingleton<INodeUsageProbe>(sp => _probes.For(sp.GetRequiredService<IOptions<NodeOptions>>().Value.Name!));
                configureNode?.Invoke(s);
            });
        _events = await platform.SubscribeToDomainEventsAsync();
        return platform;
    }

    private static WorkflowSpec Idle(params (string Name, int? Priority)[] functions) => new()
    {
        Functions = [.. functions.Select(f => PlatformCluster.Function<IdleFunction>(
            f.Name,
            $"key={Guid.NewGuid():N}",
            annotations: f.Priority is { } p ? new() { [AnnotationNames.Priority] = p.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null))],
    };

    private static async Task<Dictionary<Guid, string>> NodeNamesAsync(PlatformCluster platform) =>
        (await platform.DomainGrain.Snapshot()).Nodes.ToDictionary(n => n.Descriptor.NodeId, n => n.Descriptor.Name);

    private static async Task<NodeProtectionState> StateAsync(PlatformCluster platform, Guid node) =>
        (await platform.DomainGrain.Snapshot()).Nodes.Single(n => n.Descriptor.NodeId == node).Protection;

    private Task WaitForAsync<T>(PlatformCluster platform, Func<T, bool>? match = null)
        where T : PlatformEvent =>
        platform.WaitAsync(() => Task.FromResult(_events.OfType<T>().Any(e => match?.Invoke(e) ?? true)), 30_000);

    [Fact]
    public async Task A_node_over_a_threshold_is_limited_then_tainted_and_sheds_its_instance_to_a_node_that_fits_then_is_restored()
    {
        await using var platform = await StartAsync(nodes: 2);
        var components = await platform.DomainGrain.DeployWorkflow("shed-move", Idle(("f", null)));
        var lid = components["f"];
        var hot = (await platform.DomainGrain.Inspect()).Instances[lid].Single();
        var names = await NodeNamesAsync(platform);
        var other = names.Keys.Single(n => n != hot.NodeId);

        _probes.For(names[hot.NodeId]).Set(cpu: 95);
        await WaitForAsync<InstanceShed>(platform, e => e.Instance == hot);

        var limited = _events.OfType<NodeLimited>().Single(e => e.NodeId == hot.NodeId);
        var tainted = _events.OfType<NodeTainted>().Single(e => e.NodeId == hot.NodeId);
        var shed = _events.OfType<InstanceShed>().Single(e => e.Instance == hot);
        Assert.Equal((ProtectedResource.Cpu, 95.0, 80.0), (limited.Metric, limited.Value, limited.Threshold));
        Assert.Equal((ProtectedResource.Cpu, 95.0, 80.0), (tainted.Metric, tainted.Value, tainted.Threshold));
        Assert.True(limited.Timestamp <= tainted.Timestamp);
        Assert.Equal((lid, "shed-move", ProtectedResource.Cpu, 95.0), (shed.LogicalId, shed.WorkflowId, shed.Metric, shed.Value));
        Assert.Equal(other, shed.MovedTo?.NodeId);
        Assert.Equal([shed.MovedTo!.Value], (await platform.DomainGrain.Inspect()).Instances[lid]);
        Assert.Equal(NodeProtectionState.Tainted, await StateAsync(platform, hot.NodeId));
        Assert.Equal(NodeProtectionState.Tainted, (await platform.DomainGrain.Describe()).Nodes.Single(n => n.NodeId == hot.NodeId).Protection);
        var throttle = platform.NodeSilo(hot.NodeId).Services.GetRequiredService<NodeRuntime>().Throttle;
        Assert.Equal((0.5, 100.0), (throttle.CpuFraction, throttle.EventsPerSecond));
        Assert.Contains(platform.Logs.Entries, e => e.Message.Contains($"Node {names[hot.NodeId]} is tainted", StringComparison.Ordinal));

        _probes.For(names[hot.NodeId]).Set(cpu: 20);
        await WaitForAsync<NodeRestored>(platform, e => e.NodeId == hot.NodeId);

        var restored = _events.OfType<NodeRestored>().Single(e => e.NodeId == hot.NodeId);
        Assert.Equal((ProtectedResource.Cpu, 20.0, 70.0), (restored.Metric, restored.Value, restored.Release));
        Assert.Equal(NodeProtectionState.Normal, await StateAsync(platform, hot.NodeId));
        await platform.WaitAsync(() => Task.FromResult(platform.NodeSilo(hot.NodeId).Services.GetRequiredService<NodeRuntime>().Throttle.IsNone));
    }

    [Fact]
    public async Task With_no_node_that_fits_a_shed_instance_is_stopped_and_started_again_when_its_node_is_restored()
    {
        await using var platform = await StartAsync(nodes: 1);
        var lid = (await platform.DomainGrain.DeployWorkflow("shed-stop", Idle(("f", null))))["f"];
        var node = platform.Nodes[0];
        var nodeId = Guid.Parse(node.Name);
        var first = (await platform.DomainGrain.Inspect()).Instances[lid].Single();

        _probes.For("node-0").Set(cpu: 99);
        await WaitForAsync<InstanceShed>(platform, e => e.Instance == first);

        Assert.Null(_events.OfType<InstanceShed>().Single(e => e.Instance == first).MovedTo);
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Unplaced.ContainsKey(lid));
        var status = await platform.DomainGrain.Inspect();
        Assert.Empty(status.Instances[lid]);
        Assert.Contains("node node-0 is tainted", status.Unplaced[lid], StringComparison.Ordinal);
        Assert.DoesNotContain(node.Services.GetRequiredService<NodeRuntime>().Instances, i => i.LogicalId == lid);

        _probes.For("node-0").Set(cpu: 10);
        await WaitForAsync<NodeRestored>(platform);
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Instances[lid].Length == 1);

        var again = (await platform.DomainGrain.Inspect()).Instances[lid].Single();
        Assert.Equal(nodeId, again.NodeId);
        Assert.NotEqual(first, again);
        Assert.Contains(node.Services.GetRequiredService<NodeRuntime>().Instances, i => i.Id == again);
    }

    [Fact]
    public async Task A_shed_instance_of_a_job_that_ended_meanwhile_is_not_started_again_when_its_node_is_restored()
    {
        // "idle" may run on node-0 only, so shedding it stops it; "quitter" runs on node-1 and fails the job on a cast.
        await using var platform = await StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var components = await platform.DomainGrain.DeployWorkflow("ended-job", new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<IdleFunction>("idle", $"key={key}", annotations: new() { ["node_id_match_any"] = "node-0" }),
                PlatformCluster.Function<Jobs.ExitingFunction>("quitter", $"key={key},code=3,on=cast",
                    annotations: new() { ["node_id_match_any"] = "node-1", ["restart-policy"] = "never" }),
            ],
            Annotations = new Dictionary<string, string> { ["job-type"] = "run-to-completion" },
        });
        var status = await platform.DomainGrain.Inspect();
        var idle = status.Instances[components["idle"]].Single();
        var quitter = status.Instances[components["quitter"]].Single();

        _probes.For("node-0").Set(cpu: 99);
        await WaitForAsync<InstanceShed>(platform, e => e.Instance == idle);
        await platform.Cluster.Client.GetGrain<INodeGrain>(quitter.NodeId.ToString("D")).Cast(quitter, default, 0, [1]);
        await WaitForAsync<JobFailed>(platform, e => e.WorkflowId == "ended-job");
        _probes.For("node-0").Set(cpu: 10);
        await WaitForAsync<NodeRestored>(platform);

        // Cordon is not interleaved with other domain turns: once it answers, the refresh that restored the node is done.
        await platform.DomainGrain.Cordon(quitter.NodeId, false);
        Assert.Empty((await platform.DomainGrain.Inspect()).Instances[components["idle"]]);
        Assert.DoesNotContain(platform.Nodes[0].Services.GetRequiredService<NodeRuntime>().Instances, i => i.LogicalId == components["idle"]);
    }

    [Fact]
    public async Task A_tainted_node_sheds_the_lowest_priority_first_one_instance_per_sample()
    {
        await using var platform = await StartAsync(nodes: 1);
        var components = await platform.DomainGrain.DeployWorkflow("priorities", Idle(("high", 5), ("plain", null), ("low", -1)));

        // Two samples limit, two more taint and shed one, one more sheds another; then usage falls and the node is restored.
        _probes.For("node-0").Script(95, 95, 95, 95, 95, 10);
        await WaitForAsync<NodeRestored>(platform);

        var order = _events.OfType<InstanceShed>().Select(e => components.Single(c => c.Value == e.LogicalId).Key).ToList();
        Assert.Equal(["low", "plain"], order);
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Instances.Values.All(i => i.Length == 1));
    }

    [Fact]
    public async Task A_tainted_node_takes_no_new_placements_and_refuses_migrations()
    {
        await using var platform = await StartAsync(nodes: 2);
        var names = await NodeNamesAsync(platform);
        var hot = names.Single(n => n.Value == "node-0").Key;
        _probes.For("node-0").Set(cpu: 99);
        await WaitForAsync<NodeTainted>(platform, e => e.NodeId == hot);

        var components = await platform.DomainGrain.DeployWorkflow("avoid", Idle(("a", null), ("b", null), ("c", null)));
        var status = await platform.DomainGrain.Inspect();
        var rejected = await Assert.ThrowsAsync<DomainRequestRejectedException>(() => platform.DomainGrain.Migrate(components["a"], hot));

        Assert.All(components.Values, lid => Assert.All(status.Instances[lid], i => Assert.NotEqual(hot, i.NodeId)));
        Assert.Contains("tainted", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limited_node_still_takes_placements_and_caps_the_events_of_dotnet_instances_without_dropping_any()
    {
        const int Events = 30;
        await using var platform = await StartAsync(nodes: 1, o => o.LimitedEventsPerSecond = 20);
        var runtime = platform.Nodes[0].Services.GetRequiredService<NodeRuntime>();

        // Two samples over the threshold limit the node; then usage between release and threshold holds it there.
        _probes.For("node-0").Script(95, 95, 75);
        await WaitForAsync<NodeLimited>(platform);
        var key = Guid.NewGuid().ToString("N");
        var components = await platform.DomainGrain.DeployWorkflow("capped", new WorkflowSpec
        {
            Functions = [PlatformCluster.Function<CounterFunction>("counter", $"key={key}")],
            Resources = [new ResourceSpec("log", ResourceClasses.FileLog) { Configurations = new Dictionary<string, string> { ["filename"] = Path.Combine(Path.GetTempPath(), $"{key}.log") } }],
        });
        var lid = components["counter"];
        var counter = (await platform.DomainGrain.Inspect()).Instances[lid].Single();
        var log = (await platform.DomainGrain.Inspect()).Instances[components["log"]].Single();
        var node = platform.Cluster.Client.GetGrain<INodeGrain>(counter.NodeId.ToString("D"));
        var source = InstanceId.NewOn(Guid.NewGuid());
        await platform.WaitAsync(() => Task.FromResult(runtime.EventRates.GetValueOrDefault(counter) == 20));
        Assert.Null(runtime.EventRates[log]);

        for (var i = 0; i < Events; i++)
        {
            await node.Cast(counter, source, 0, Encoding.UTF8.GetBytes("x"));
        }

        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":count").Count == Events), 30_000);
        Assert.Equal(Enumerable.Range(1, Events).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Observed.Of(key + ":count"));
        Assert.Equal(NodeProtectionState.Limited, await StateAsync(platform, counter.NodeId));

        _probes.For("node-0").Set(cpu: 10);
        await WaitForAsync<NodeRestored>(platform);
        await platform.WaitAsync(() => Task.FromResult(runtime.EventRates.GetValueOrDefault(counter, -1) is null));
        await platform.DomainGrain.StopWorkflow("capped");
        File.Delete(Path.Combine(Path.GetTempPath(), $"{key}.log"));
    }

    [Fact]
    public async Task The_metrics_port_answers_the_latest_usage_in_the_shape_of_the_glances_api()
    {
        await using var platform = await StartAsync(nodes: 1, configureNode: s =>
        {
            s.AddNodeMetricsEndpoint();
            s.Services.Configure<NodeOptions>(n => n.MetricsPort = LoopbackPorts.Free());
        });
        _probes.For("node-0").Set(cpu: 42.5);
        var endpoint = platform.Nodes[0].Services.GetRequiredService<NodeMetricsEndpoint>().Address!;
        await platform.WaitAsync(async () => (await GetJsonAsync(endpoint, "api/4/quicklook")).GetProperty("cpu").GetDouble() == 42.5);

        var quicklook = await GetJsonAsync(endpoint, "api/4/quicklook");
        var mem = await GetJsonAsync(endpoint, "api/4/mem");
        var load = await GetJsonAsync(endpoint, "api/4/load");
        var fs = await GetJsonAsync(endpoint, "api/4/fs");
        var all = await GetJsonAsync(endpoint, "api/4/all");
        using var missing = await Http.GetAsync(new Uri(endpoint, "api/4/sensors"));

        Assert.Equal((42.5, 10.0, 10.0, 4), (quicklook.GetProperty("cpu").GetDouble(), quicklook.GetProperty("mem").GetDouble(), quicklook.GetProperty("load").GetDouble(), quicklook.GetProperty("cpucore").GetInt32()));
        Assert.Equal((1_000_000L, 900_000L, 100_000L, 10.0), (mem.GetProperty("total").GetInt64(), mem.GetProperty("available").GetInt64(), mem.GetProperty("used").GetInt64(), mem.GetProperty("percent").GetDouble()));
        Assert.Equal(0.4, load.GetProperty("min1").GetDouble(), precision: 6);
        Assert.Equal((1_000_000L, 10.0), (fs[0].GetProperty("size").GetInt64(), fs[0].GetProperty("percent").GetDouble()));
        Assert.Equal(42.5, all.GetProperty("cpu").GetProperty("total").GetDouble());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<JsonElement> GetJsonAsync(Uri endpoint, string path)
    {
        using var response = await Http.GetAsync(new Uri(endpoint, path));
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
