using Granary.Grains.Redis;
using System.Globalization;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using StackExchange.Redis;

namespace Granary.Executors.Tests;

/// <summary>
/// The <c>metrics-collector</c> resource on the orchestrator's runtime-less node, storing application metrics in a
/// real redis-server (the proxy Redis).
/// </summary>
public sealed class MetricsCollectorTests : IAsyncLifetime
{
    private const double Alpha = 0.9;
    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private readonly Guid _metricsNode = Guid.NewGuid();
    private ExecutorCluster _cluster = null!;

    private IDatabase Db => _connection.GetDatabase();

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(_redis.ConnectionString));
        // The orchestrator silo also hosts the runtime-less metrics-collector node, as the silo host does with
        // Granary:Proxy:Url.
        _cluster = await ExecutorCluster.StartAsync(
            nodes: 1,
            node: s => s.AddRedisResource(),
            orchestrator: s => s.AddMetricsCollectorNode(_redis.ConnectionString, n =>
            {
                n.NodeId = _metricsNode;
                n.DomainId = ExecutorCluster.Domain;
                n.Name = "orchestrator";
                n.RefreshInterval = ExecutorCluster.KeepAlive;
            }),
            orchestratorNodes: 1);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private static WorkflowSpec Measured(int count) => new()
    {
        Functions =
        [
            ExecutorCluster.DotnetFunction<MeasuredSource>("source", $"period=60,count={count}", new() { ["metric"] = "metrics", ["output"] = "sink" }),
            ExecutorCluster.DotnetFunction<MeasuredSink>("sink", string.Empty, new() { ["metric"] = "metrics" }),
        ],
        Resources = [new ResourceSpec("metrics", "metrics-collector") { Configurations = new Dictionary<string, string> { ["wf_name"] = "measured_wf" } }],
    };

    /// <summary>The samples of a list key, oldest first (the collector pushes new ones at the head).</summary>
    private async Task<List<(long Ms, DateTimeOffset At)>> SamplesAsync(string key)
    {
        var samples = new List<(long, DateTimeOffset)>();
        foreach (var value in (await Db.ListRangeAsync(key)).Reverse())
        {
            Assert.True(MetricsKeys.TryParseSample(value.ToString()!, out var ms, out var at), $"'{value}' in {key} is not 'ms,timestamp'");
            samples.Add((ms, at));
        }

        return samples;
    }

    private static double ExpectedAverage(IEnumerable<(long Ms, DateTimeOffset At)> samples)
    {
        double? average = null;
        foreach (var (ms, _) in samples)
        {
            average = average is { } previous ? (Alpha * ms) + ((1 - Alpha) * previous) : ms;
        }

        return average!.Value;
    }

    private async Task<double> AverageAsync(string key) =>
        double.Parse((await Db.StringGetAsync(key)).ToString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_collector_runs_on_the_orchestrators_node_which_offers_no_function_runtime()
    {
        var ids = await _cluster.DomainGrain.DeployWorkflow("placement", Measured(count: 1));

        var collector = await _cluster.InstanceOfAsync(ids["metrics"]);
        var source = await _cluster.InstanceOfAsync(ids["source"]);

        Assert.Equal(_metricsNode, collector.NodeId);
        Assert.NotEqual(_metricsNode, source.NodeId);
        var summary = await _cluster.DomainGrain.Describe();
        var node = Assert.Single(summary.Nodes, n => n.NodeId == _metricsNode);
        Assert.Empty(node.Runtimes);
        Assert.Equal(["metrics-collector"], node.ResourceClasses);
    }

    [Fact]
    public async Task Function_and_workflow_metrics_land_in_the_documented_keys_with_averages_matching_the_samples()
    {
        const int count = 8;
        var ids = await _cluster.DomainGrain.DeployWorkflow("measured", Measured(count));
        var source = await _cluster.InstanceOfAsync(ids["source"]);
        var functionSamples = MetricsKeys.FunctionSamples(source);
        var workflowSamples = MetricsKeys.WorkflowSamples("measured_wf");

        await Eventually.HoldsAsync(async () => await Db.ListLengthAsync(functionSamples) == count && await Db.ListLengthAsync(workflowSamples) == count,
            timeoutMs: 30_000, what: $"{count} samples in {functionSamples} and {workflowSamples}");
        // The average is written right after its sample: stopping the workflow lets the collector finish its writes.
        await _cluster.DomainGrain.StopWorkflow("measured");

        Assert.Equal($"function:{source.ComponentId:D}:samples", functionSamples);
        var function = await SamplesAsync(functionSamples);
        var workflow = await SamplesAsync(workflowSamples);
        Assert.Equal(count, function.Count);
        Assert.Equal(count, workflow.Count);
        Assert.All(function.Concat(workflow), s => Assert.InRange(s.At, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.True(function.Zip(function.Skip(1)).All(p => p.First.At <= p.Second.At), "samples are stored newest first, so read back oldest first they are in time order");
        Assert.Equal(ExpectedAverage(function), await AverageAsync(MetricsKeys.FunctionAverage(ids["source"])), 9);
        Assert.Equal(ExpectedAverage(workflow), await AverageAsync(MetricsKeys.WorkflowAverage("measured_wf")), 9);
        Assert.Equal($"function:{ids["source"]}:average", MetricsKeys.FunctionAverage(ids["source"]));
        Assert.False(await Db.KeyExistsAsync(MetricsKeys.FunctionAverage(ids["sink"])), "the sink sent no function metrics");
    }

    [Fact]
    public async Task Malformed_metrics_and_ends_without_begins_are_ignored_and_the_collector_keeps_serving()
    {
        var spec = Measured(count: 3) with
        {
            Functions =
            [
                ExecutorCluster.DotnetFunction<MetricsChatter>("chatter", string.Empty, new() { ["metric"] = "metrics" }),
                .. Measured(count: 3).Functions,
            ],
        };
        var ids = await _cluster.DomainGrain.DeployWorkflow("chatty", spec);
        var collector = await _cluster.InstanceOfAsync(ids["metrics"]);

        await Eventually.HoldsAsync(async () => await Db.ListLengthAsync(MetricsKeys.WorkflowSamples("measured_wf")) == 3, timeoutMs: 30_000);

        Assert.Equal(collector, await _cluster.InstanceOfAsync(ids["metrics"]));
        var chatter = await _cluster.InstanceOfAsync(ids["chatter"]);
        Assert.False(await Db.KeyExistsAsync(MetricsKeys.FunctionSamples(chatter)));
    }
}
