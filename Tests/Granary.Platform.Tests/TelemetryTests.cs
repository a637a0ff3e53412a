using System.Collections.Concurrent;
using Granary.Executors.Telemetry;
using Granary.Grains.Controller;
using Granary.Grains.Events;
using Granary.Grains.Nodes;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using Orleans.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Platform.Tests;

/// <summary>Node telemetry: the Prometheus /metrics endpoint and lifecycle events and performance samples on streams.</summary>
public sealed class TelemetryTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static WorkflowSpec Pulse(string key) => new()
    {
        Functions =
        [
            PlatformCluster.Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "relay" }),
            PlatformCluster.Function<PulseFunction>("relay", $"role=relay,key={key}", new() { ["out"] = "sink" }),
            PlatformCluster.Function<PulseFunction>("sink", $"role=sink,key={key}"),
        ],
    };

    private static async Task<PrometheusText> ScrapeAsync(Uri endpoint)
    {
        using var response = await Http.GetAsync(new Uri(endpoint, "metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_node_metrics_endpoint_serves_prometheus_text_whose_counters_grow_with_calls_and_events()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 1, configureNode: s =>
        {
            s.AddNodeMetricsEndpoint();
            s.Services.Configure<NodeOptions>(n => n.MetricsPort = LoopbackPorts.Free());
        });
        var node = platform.Nodes[0];
        var endpoint = node.Services.GetRequiredService<NodeMetricsEndpoint>().Address!;
        Assert.Equal("127.0.0.1", endpoint.Host);
        var key = Guid.NewGuid().ToString("N");
        await platform.DomainGrain.DeployWorkflow("metrics", Pulse(key));
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":sink").Count > 3));

        var first = await ScrapeAsync(endpoint);
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":sink").Count > 20));
        await Task.Delay(2 * PlatformCluster.KeepAlive);
        var second = await ScrapeAsync(endpoint);

        Assert.Equal("counter", second.Types["granary_grain_calls_total"]);
        Assert.Equal("histogram", second.Types["granary_grain_call_duration_seconds"]);
        Assert.Equal("gauge", second.Types["granary_node_instances"]);
        Assert.Equal("counter", second.Types["granary_node_instance_events_total"]);
        Assert.Equal("counter", second.Types["granary_node_instance_execution_time_seconds_total"]);
        Assert.Equal("Grain calls completed, by method", second.Helps["granary_grain_calls_total"]);
        Assert.All(second.Samples, s => Assert.Equal(node.Name, s.Labels["silo"]));
        static bool Refresh(IReadOnlyDictionary<string, string> labels) => labels["method"].Contains("RegisterNode", StringComparison.Ordinal);
        Assert.True(second.Sum("granary_grain_calls_total", Refresh) > first.Sum("granary_grain_calls_total", Refresh));
        static bool Sink(IReadOnlyDictionary<string, string> labels) => labels["component"] == "sink" && labels["workflow"] == "metrics" && labels["kind"] == "DOTNET";
        Assert.True(second.Sum("granary_node_instance_events_total", Sink) > first.Sum("granary_node_instance_events_total", Sink));
        Assert.True(second.Sum("granary_grain_call_duration_seconds_count", Refresh) > 0);
        Assert.Equal(3, second.Sum("granary_node_instances"));
        Assert.Equal(3, second.Sum("granary_node_instances_started_total"));
    }

    [Fact]
    public async Task The_metrics_endpoint_is_off_when_no_port_is_configured()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 1, configureNode: s => s.AddNodeMetricsEndpoint());

        Assert.Null(platform.Nodes[0].Services.GetRequiredService<NodeMetricsEndpoint>().Address);
    }

    [Fact]
    public async Task Nodes_publish_instance_started_failed_and_stopped_events_and_performance_samples_on_the_domain_stream()
    {
        await using var platform = await PlatformCluster.StartAsync(
            nodes: 2,
            configureNode: s => s.Services.Configure<NodeOptions>(n => n.PerformanceSampleInterval = TimeSpan.FromMilliseconds(300)));
        var received = await platform.SubscribeToDomainEventsAsync();
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "crasher" }),
                PlatformCluster.Function<CrashingFunction>("crasher", $"key={key}"),
            ],
        };

        var components = await platform.DomainGrain.DeployWorkflow("events", spec);
        var crasher = components["crasher"];
        var source = components["source"];
        await platform.WaitAsync(() => Task.FromResult(
            received.OfType<InstanceFailed>().Any(e => e.LogicalId == crasher)
            && received.OfType<InstanceStarted>().Count(e => e.LogicalId == crasher) == 2
            && received.OfType<PerformanceSample>().Any(p => p.Instances.Any(i => i.LogicalId == source && i.Events > 0 && i.MeanExecutionMs > 0))));
        await platform.DomainGrain.StopWorkflow("events");
        await platform.WaitAsync(() => Task.FromResult(received.OfType<InstanceStopped>().Count(e => e.WorkflowId == "events") == 2));

        var failed = received.OfType<InstanceFailed>().Single(e => e.LogicalId == crasher);
        Assert.Contains("deliberate crash", failed.Error);
        Assert.Equal("events", failed.WorkflowId);
        var started = received.OfType<InstanceStarted>().Where(e => e.LogicalId == crasher).ToList();
        Assert.Equal(failed.Instance, started[0].Instance);
        Assert.NotEqual(started[0].Instance, started[1].Instance);
        var stopped = received.OfType<InstanceStopped>().Where(e => e.WorkflowId == "events").ToList();
        Assert.Contains(stopped, e => e.Instance == started[1].Instance);
        Assert.Contains(stopped, e => e.LogicalId == source);
        var sample = received.OfType<PerformanceSample>().First(p => p.Instances.Any(i => i.LogicalId == source && i.Events > 0));
        Assert.Equal(PlatformCluster.Domain, sample.DomainId);
        Assert.Contains(sample.NodeId, platform.Nodes.Select(n => Guid.Parse(n.Name)));
    }

    [Fact]
    public async Task The_domain_publishes_node_registered_and_node_lost_on_its_stream()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 1);
        var received = await platform.SubscribeToDomainEventsAsync();

        var extra = await platform.Cluster.StartSiloAsync(configureSilo: s => s
            .AddGranaryNode(n =>
            {
                n.DomainId = PlatformCluster.Domain;
                n.Name = "extra";
                n.RefreshInterval = PlatformCluster.KeepAlive;
                n.NumCpus = 7;
            })
            .AddDotnetFunctions());
        var extraId = Guid.Parse(extra.Name);
        await platform.WaitAsync(() => Task.FromResult(received.OfType<NodeRegistered>().Any(e => e.NodeId == extraId)));
        await platform.Cluster.KillSiloAsync(extra);
        await platform.WaitAsync(() => Task.FromResult(received.OfType<NodeLost>().Any(e => e.NodeId == extraId)));

        var registered = received.OfType<NodeRegistered>().Single(e => e.NodeId == extraId);
        Assert.Equal(PlatformCluster.Domain, registered.DomainId);
        Assert.Equal(7, registered.Capabilities.NumCpus);
        var lost = received.OfType<NodeLost>().Single(e => e.NodeId == extraId);
        Assert.Equal(PlatformCluster.Domain, lost.DomainId);
        Assert.True(lost.Reason is "its silo is gone" or "refresh deadline passed" or "refresh deadline passed and it does not answer", lost.Reason);
        Assert.DoesNotContain(received.OfType<NodeLost>(), e => e.NodeId == Guid.Parse(platform.Nodes[0].Name));
    }

    [Fact]
    public async Task The_controller_publishes_workflow_started_and_stopped_on_the_domain_stream()
    {
        var first = true;
        await using var platform = await PlatformCluster.StartAsync(nodes: 1, configureSilo: s =>
        {
            if (first)
            {
                first = false;
                s.AddGranaryController(c => c.KeepAliveInterval = PlatformCluster.KeepAlive);
            }
        });
        var received = await platform.SubscribeToDomainEventsAsync();
        var controller = platform.Cluster.Client.GetGrain<IControllerGrain>(IControllerGrain.Key);
        var spec = new WorkflowSpec { Functions = [PlatformCluster.Function<IdleFunction>("idle", $"key={Guid.NewGuid():N}")] };
        string? id = null;
        await platform.WaitAsync(async () =>
        {
            try
            {
                id = await controller.StartWorkflow(spec);
                return true;
            }
            catch (WorkflowRejectedException)
            {
                // The domain has not registered with the controller yet.
                return false;
            }
        });

        await platform.WaitAsync(() => Task.FromResult(received.OfType<WorkflowStarted>().Any(e => e.WorkflowId == id)));
        Assert.True(await controller.StopWorkflow(id!));
        await platform.WaitAsync(() => Task.FromResult(received.OfType<WorkflowStopped>().Any(e => e.WorkflowId == id)));

        Assert.Equal([PlatformCluster.Domain], received.OfType<WorkflowStarted>().Single(e => e.WorkflowId == id).DomainIds);
    }
}
