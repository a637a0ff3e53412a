using Granary.Grains.Platform;
using Granary.Grains.Workflows;

namespace Granary.Platform.Tests;

/// <summary>Workflows on a domain of node silos: delivery, placement, relocation.</summary>
public sealed class PlatformTests
{
    [Fact]
    public async Task A_three_function_chain_with_a_cycle_delivers_events_around_the_loop()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<RingFunction>("client", $"role=client,key={key},laps=20", new() { ["out"] = "f1" }),
                PlatformCluster.Function<RingFunction>("f1", $"role=relay,name=f1,key={key}", new() { ["out"] = "f2" }),
                PlatformCluster.Function<RingFunction>("f2", $"role=relay,name=f2,key={key}", new() { ["out"] = "client" }),
            ],
        };

        await platform.DomainGrain.DeployWorkflow("ring", spec);

        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":laps").Count == 21));
        Assert.Equal(Enumerable.Range(0, 21).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Observed.Of(key + ":laps"));
        Assert.Equal(21, Observed.Of(key + ":f1").Count);
        Assert.Equal(21, Observed.Of(key + ":f2").Count);
    }

    [Fact]
    public async Task Round_robin_spreads_six_functions_over_three_nodes_two_each()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3, PlacementPolicy.RoundRobin);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions = [.. Enumerable.Range(0, 6).Select(i => PlatformCluster.Function<IdleFunction>($"f{i}", $"key={key}"))],
        };

        await platform.DomainGrain.DeployWorkflow("spread", spec);

        var perNode = Observed.Of(key + ":started").GroupBy(n => n).Select(g => g.Count()).ToList();
        Assert.Equal([2, 2, 2], perNode);
    }

    [Fact]
    public async Task A_call_to_the_node_grain_of_a_killed_node_fails_naming_the_node_and_activates_nowhere_else()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var victim = platform.Nodes[1];
        var node = platform.Cluster.Client.GetGrain<INodeGrain>(victim.Name);
        await node.Ping();

        await platform.Cluster.KillSiloAsync(victim);
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Nodes.Count == 1);

        var error = await Assert.ThrowsAsync<NodeUnavailableException>(() => node.Instances());
        Assert.Equal(victim.Name, error.NodeId);
        Assert.Contains(victim.Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Domain_grains_live_on_the_orchestrator_silo_and_node_grains_on_their_own_node_silo()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        await platform.DomainGrain.Inspect();
        foreach (var silo in platform.Nodes)
        {
            await platform.Cluster.Client.GetGrain<INodeGrain>(silo.Name).Ping();
        }

        var management = platform.Cluster.Client.GetGrain<IManagementGrain>(0);
        var activations = await management.GetDetailedGrainStatistics();
        var orchestrator = platform.Cluster.Silos[0].Address;
        var domainGrains = activations.Where(a => a.GrainId.Type.ToString() == "granary.domain").ToList();
        Assert.Single(domainGrains);
        Assert.Equal(orchestrator, domainGrains[0].SiloAddress);
        var nodeGrains = activations.Where(a => a.GrainId.Type.ToString() == "granary.node").ToList();
        Assert.Equal(2, nodeGrains.Count);
        Assert.All(nodeGrains, a => Assert.Equal(platform.Nodes.Single(n => n.Name == a.GrainId.Key.ToString()).Address, a.SiloAddress));
    }

    [Fact]
    public async Task Killing_the_node_of_a_function_relocates_it_and_repatches_upstream()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3);
        var key = Guid.NewGuid().ToString("N");
        var home = platform.Nodes[0].Name;
        var others = $"{platform.Nodes[1].Name},{platform.Nodes[2].Name}";
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "relay" }, new() { ["node_id_match_any"] = home }),
                PlatformCluster.Function<PulseFunction>("relay", $"role=relay,key={key}", new() { ["out"] = "sink" }, new() { ["node_id_match_any"] = others }),
                PlatformCluster.Function<PulseFunction>("sink", $"role=sink,key={key}", null, new() { ["node_id_match_any"] = home }),
            ],
        };
        var components = await platform.DomainGrain.DeployWorkflow("relocate", spec);
        var relay = components["relay"];
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":relay").Count > 5));
        var firstHome = Observed.Of(key + ":relay")[0];
        var victim = platform.Nodes.Single(n => n.Name == firstHome);

        await platform.Cluster.KillSiloAsync(victim);
        var roundsAtKill = (await platform.DomainGrain.Inspect()).KeepAliveRounds;

        // "Within 2 keep-alive intervals" is counted in the orchestrator's own keep-alive rounds, not in wall time: the
        // replacement must be running before the second round after the kill has begun.
        DomainStatus? relocated = null;
        await platform.WaitAsync(async () =>
        {
            var status = await platform.DomainGrain.Inspect();
            var instances = status.Instances.GetValueOrDefault(relay, []);
            relocated = instances.Length > 0 && instances.All(i => i.NodeId.ToString("D") != victim.Name) ? status : null;
            return relocated is not null;
        });
        Assert.True(relocated!.KeepAliveRounds - roundsAtKill <= 2, $"relocation took {relocated.KeepAliveRounds - roundsAtKill} keep-alive rounds");

        // Upstream was re-patched: events flow through the new relay to the sink again.
        var before = Observed.Of(key + ":relay").Count;
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":relay").Skip(before).Any(n => n != firstHome)));
        var sinkCount = Observed.Of(key + ":sink").Count;
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":sink").Count > sinkCount + 3));
        Assert.Contains(Observed.Of(key + ":relay").Last(), others.Split(','));
    }

    [Fact]
    public async Task A_burst_of_events_across_node_silos_arrives_complete_and_in_order()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var (first, second) = (platform.Nodes[0].Name, platform.Nodes[1].Name);
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<BurstFunction>("source", $"role=source,count=2000,key={key}", new() { ["out"] = "relay" }, new() { ["node_id_match_any"] = first }),
                PlatformCluster.Function<BurstFunction>("relay", $"role=relay,key={key}", new() { ["out"] = "sink" }, new() { ["node_id_match_any"] = second }),
                PlatformCluster.Function<BurstFunction>("sink", $"role=sink,key={key}", null, new() { ["node_id_match_any"] = first }),
            ],
        };

        await platform.DomainGrain.DeployWorkflow("burst", spec);

        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":sink").Count >= 2000));
        Assert.Equal(string.Join(",", Enumerable.Range(0, 2000)), string.Join(",", Observed.Of(key + ":sink")));
    }

    [Fact]
    public async Task A_cast_made_before_a_call_to_an_instance_on_another_node_arrives_before_the_call()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<CastThenCallFunction>("sender", $"role=sender,key={key}", new() { ["out"] = "recorder" }, new() { ["node_id_match_any"] = platform.Nodes[0].Name }),
                PlatformCluster.Function<CastThenCallFunction>("recorder", $"role=recorder,key={key}", null, new() { ["node_id_match_any"] = platform.Nodes[1].Name }),
            ],
        };

        await platform.DomainGrain.DeployWorkflow("cast-then-call", spec);

        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":reply").Count == 1));
        Assert.Equal(["cast first", "call second"], Observed.Of(key + ":arrived"));
        Assert.Equal("ok", Observed.Of(key + ":reply")[0]);
    }
}
