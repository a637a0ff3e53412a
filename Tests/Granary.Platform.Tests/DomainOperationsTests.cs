using System.Globalization;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Granary.Platform.Tests;

/// <summary>Migrate and cordon on a domain of node silos, and what nodes report with their refreshes.</summary>
public sealed class DomainOperationsTests
{
    private static WorkflowSpec Chain(string key, Dictionary<string, string>? relayAnnotations = null, string? home = null)
    {
        var pinned = home is null ? null : new Dictionary<string, string> { ["node_id_match_any"] = home };
        return new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "relay" }, pinned),
                PlatformCluster.Function<PulseFunction>("relay", $"role=relay,key={key}", new() { ["out"] = "sink" }, relayAnnotations),
                PlatformCluster.Function<PulseFunction>("sink", $"role=sink,key={key}", null, pinned),
            ],
        };
    }

    private static async Task<List<InstanceStatus>> InstancesOn(PlatformCluster platform, Guid node) =>
        await platform.Cluster.Client.GetGrain<INodeGrain>(node.ToString("D")).Instances();

    [Fact]
    public async Task Migrate_moves_a_function_to_the_target_node_and_repatches_upstream()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3);
        var key = Guid.NewGuid().ToString("N");
        var home = platform.Nodes[0].Name;
        var ids = await platform.DomainGrain.DeployWorkflow("migrate", Chain(key, new() { ["node_id_match_any"] = $"{platform.Nodes[1].Name},{platform.Nodes[2].Name}" }, home));
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":relay").Count > 3));
        var old = (await platform.DomainGrain.Inspect()).Instances[ids["relay"]].Single();
        var target = Guid.Parse(platform.Nodes.Select(n => n.Name).Single(n => n != home && n != old.NodeId.ToString("D")));

        await platform.DomainGrain.Migrate(ids["relay"], target);

        var moved = (await platform.DomainGrain.Inspect()).Instances[ids["relay"]].Single();
        Assert.Equal(target, moved.NodeId);
        Assert.DoesNotContain(await InstancesOn(platform, old.NodeId), i => i.Id == old);
        Assert.Contains(await InstancesOn(platform, target), i => i.Id == moved);
        // The source (upstream) now feeds the new instance, and events keep reaching the sink through it.
        var source = (await InstancesOn(platform, Guid.Parse(home))).Single(i => i.LogicalId == ids["source"]);
        Assert.Equal([moved], source.Outputs["out"]);
        var relayed = Observed.Of(key + ":relay").Count;
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":relay").Skip(relayed).Count(n => n == target.ToString("D")) > 3));
        var sunk = Observed.Of(key + ":sink").Count;
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":sink").Count > sunk + 3));
    }

    [Fact]
    public async Task An_infeasible_migrate_is_rejected_and_changes_nothing()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var allowed = platform.Nodes[0].Name;
        var other = Guid.Parse(platform.Nodes[1].Name);
        var ids = await platform.DomainGrain.DeployWorkflow("stay", Chain(key, new() { ["node_id_match_any"] = allowed }));
        var before = await platform.DomainGrain.Inspect();
        var instancesOnOther = await InstancesOn(platform, other);

        var unmet = await Assert.ThrowsAsync<DomainRequestRejectedException>(() => platform.DomainGrain.Migrate(ids["relay"], other));
        var unknownNode = await Assert.ThrowsAsync<DomainRequestRejectedException>(() => platform.DomainGrain.Migrate(ids["relay"], Guid.NewGuid()));
        var unknownFunction = await Assert.ThrowsAsync<DomainRequestRejectedException>(() => platform.DomainGrain.Migrate(LogicalFunctionId.New(), other));

        Assert.Contains("relay", unmet.Message);
        Assert.Contains("node-1", unmet.Message);
        Assert.Contains("no such node", unknownNode.Message);
        Assert.Contains("no function", unknownFunction.Message);
        var after = await platform.DomainGrain.Inspect();
        Assert.Equal(before.Instances[ids["relay"]], after.Instances[ids["relay"]]);
        Assert.Equal(instancesOnOther.Select(i => i.Id.ToString()).Order(StringComparer.Ordinal), (await InstancesOn(platform, other)).Select(i => i.Id.ToString()).Order(StringComparer.Ordinal));
        var relayed = Observed.Of(key + ":relay").Count;
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":relay").Count > relayed + 3));
        Assert.All(Observed.Of(key + ":relay"), n => Assert.Equal(allowed, n));
    }

    [Fact]
    public async Task A_cordoned_node_gets_no_new_placements_and_uncordoning_allows_them_again()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var cordoned = Guid.Parse(platform.Nodes[0].Name);
        var running = await platform.DomainGrain.DeployWorkflow("before", new WorkflowSpec
        {
            Functions = [PlatformCluster.Function<IdleFunction>("early", $"key={key}", null, new() { ["node_id_match_any"] = cordoned.ToString("D") })],
        });

        await platform.DomainGrain.Cordon(cordoned, true);
        var spread = await platform.DomainGrain.DeployWorkflow("spread", new WorkflowSpec
        {
            Functions = [.. Enumerable.Range(0, 4).Select(i => PlatformCluster.Function<IdleFunction>($"f{i}", $"key={key}"))],
        });
        var pinned = await platform.DomainGrain.DeployWorkflow("pinned", new WorkflowSpec
        {
            Functions = [PlatformCluster.Function<IdleFunction>("pinned", $"key={key}", null, new() { ["node_id_match_any"] = cordoned.ToString("D") })],
        });

        var status = await platform.DomainGrain.Inspect();
        Assert.All(spread.Values, lid => Assert.NotEqual(cordoned, status.Instances[lid].Single().NodeId));
        Assert.Empty(status.Instances[pinned["pinned"]]);
        Assert.Contains("cordoned", status.Unplaced[pinned["pinned"]]);
        Assert.Equal(cordoned, status.Instances[running["early"]].Single().NodeId);
        Assert.True((await platform.DomainGrain.Snapshot()).Nodes.Single(n => n.Descriptor.NodeId == cordoned).Cordoned);

        await platform.DomainGrain.Cordon(cordoned, false);

        Assert.Equal(cordoned, (await platform.DomainGrain.Inspect()).Instances[pinned["pinned"]].Single().NodeId);
        Assert.False((await platform.DomainGrain.Snapshot()).Nodes.Single(n => n.Descriptor.NodeId == cordoned).Cordoned);
    }

    [Fact]
    public async Task A_node_past_its_deadline_that_still_answers_is_kept_for_one_more_interval_then_lost()
    {
        // Refreshes every 1.5 s, deadline 3 s: the domain's 0.5 s keep-alive passes the late window several times.
        await using var platform = await PlatformCluster.StartAsync(
            nodes: 1,
            configureNode: s => s.Services.Configure<NodeOptions>(n => n.RefreshInterval = TimeSpan.FromMilliseconds(1500)));
        var node = platform.Nodes[0];

        // The node stops refreshing while its silo (and its node grain, which answers the probes) keeps running.
        await node.Services.GetRequiredService<NodeAgent>().StopRefreshingAsync();
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Nodes.Count == 0, 20_000);

        var messages = platform.Logs.Entries.Select(e => e.Message).ToList();
        var kept = messages.FindIndex(m => m.Contains("is past its refresh deadline but answers", StringComparison.Ordinal));
        var lost = messages.FindIndex(m => m.Contains("is lost (refresh deadline passed)", StringComparison.Ordinal));
        Assert.True(kept >= 0, "the late node was never kept while it answered");
        Assert.True(lost > kept, "the node was not lost after its extra interval");
    }

    [Fact]
    public async Task A_node_whose_probe_fails_does_not_stop_the_keep_alive_from_handling_other_nodes()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);

        // A silo named like a node, but without the node runtime: its node grain cannot activate, so every probe fails
        // with an error (neither "silo gone" nor a timeout). Registered by hand, with a far deadline.
        var broken = Guid.NewGuid();
        await platform.Cluster.StartSiloAsync(configure: o => o.SiloName = broken.ToString("D"));
        await platform.DomainGrain.RegisterNode(new NodeRegistration
        {
            Node = new NodeDescriptor(broken, new NodeCapabilities { NumCpus = 1 }),
            Nonce = Guid.NewGuid(),
            RefreshInterval = TimeSpan.FromHours(1),
        });
        await platform.WaitAsync(() => Task.FromResult(platform.Logs.Entries.Any(e => e.Message.StartsWith($"Probe of node {broken:D} failed", StringComparison.Ordinal))));

        // The rounds go on: a dead node is still declared lost, and the failing node, within its deadline, is kept.
        var dead = Guid.Parse(platform.Nodes[1].Name);
        await platform.Cluster.KillSiloAsync(platform.Nodes[1]);
        await platform.WaitAsync(async () => !(await platform.DomainGrain.Inspect()).Nodes.Contains(dead), 20_000);
        Assert.Contains(broken, (await platform.DomainGrain.Inspect()).Nodes);
    }

    [Fact]
    public async Task Cordoning_an_unknown_node_is_rejected()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 1);

        var error = await Assert.ThrowsAsync<DomainRequestRejectedException>(() => platform.DomainGrain.Cordon(Guid.NewGuid(), true));

        Assert.Contains("no such node", error.Message);
    }

    [Fact]
    public async Task With_global_state_a_counter_keeps_its_value_across_a_migration()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3);
        var key = Guid.NewGuid().ToString("N");
        var home = platform.Nodes[0].Name;
        var spec = PlatformCluster.GlobalCounter(key, home, $"{platform.Nodes[1].Name},{platform.Nodes[2].Name}");
        var ids = await platform.DomainGrain.DeployWorkflow("state", spec);
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":count").Count >= 10));
        var from = Observed.Of(key + ":node")[0];
        var target = Guid.Parse(from == platform.Nodes[1].Name ? platform.Nodes[2].Name : platform.Nodes[1].Name);
        var countedBefore = Observed.Of(key + ":count").Select(c => int.Parse(c, CultureInfo.InvariantCulture)).Max();

        await platform.DomainGrain.Migrate(ids["counter"], target);
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":node").Contains(target.ToString("D"))));

        var nodes = Observed.Of(key + ":node");
        var counts = Observed.Of(key + ":count").Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        var firstOnTarget = nodes.IndexOf(target.ToString("D"));
        Assert.True(counts[firstOnTarget] > countedBefore, $"the migrated counter went on from {counts[firstOnTarget]}, below {countedBefore} counted before the migration");
    }

    [Fact]
    public async Task Nodes_register_detected_capabilities_with_configured_overrides_and_report_health_and_performance()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        await platform.DomainGrain.DeployWorkflow("perf", Chain(key));
        await platform.WaitAsync(async () => (await platform.DomainGrain.Snapshot()).Performance.Count >= 3);

        var snapshot = await platform.DomainGrain.Snapshot();
        var node1 = snapshot.Nodes.Single(n => n.Descriptor.Name == "node-1");
        Assert.Equal(2, node1.Descriptor.Capabilities.NumCpus);
        Assert.Equal(["index=1"], node1.Descriptor.Capabilities.Labels);
        Assert.Contains(FunctionTypes.ToWireName(FunctionType.Dotnet), node1.Descriptor.Capabilities.Runtimes);
        Assert.True(node1.Descriptor.Capabilities.MemSize > 0, "mem_size is detected from /proc/meminfo");
        Assert.True(node1.Descriptor.Capabilities.DiskTotSpace > 0, "disk_tot_space is detected");
        Assert.True(node1.Health.MemAvailable > 0 && node1.Health.ProcMemory > 0, "health is sampled with each refresh");
        var instances = snapshot.Functions.SelectMany(f => f.Instances).ToHashSet();
        Assert.All(snapshot.Performance, p =>
        {
            Assert.Contains(p.Instance, instances);
            Assert.NotEmpty(p.Samples);
            Assert.True(p.Total >= p.Samples.Count);
            Assert.All(p.Samples, s => Assert.True(s.ExecutionTime >= TimeSpan.Zero && Math.Abs((DateTimeOffset.UtcNow - s.At).TotalMinutes) < 5));
        });
    }
}
