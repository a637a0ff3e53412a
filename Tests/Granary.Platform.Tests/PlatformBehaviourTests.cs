using System.Globalization;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;

namespace Granary.Platform.Tests;

/// <summary>Weighted placement, several instances, crash restart, call deadlines and global state.</summary>
public sealed class PlatformBehaviourTests
{
    [Fact]
    public async Task Random_placement_weights_follow_node_capabilities()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3, PlacementPolicy.Random, seed: 1);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions = [.. Enumerable.Range(0, 300).Select(i => PlatformCluster.Function<IdleFunction>($"f{i}", $"key={key}"))],
        };

        await platform.DomainGrain.DeployWorkflow("weighted", spec);

        // Node i reports num_cpus = i + 1, other factors equal: expected shares 1/6, 2/6, 3/6 of 300 = 50, 100, 150;
        // the bounds are four standard deviations wide, whatever order the nodes registered in.
        var counts = platform.Nodes.Select(n => Observed.Of(key + ":started").Count(s => s == n.Name)).ToList();
        Assert.True(counts.Sum() == 300, $"counts {string.Join('/', counts)}");
        Assert.True(counts[0] is >= 24 and <= 76 && counts[1] is >= 67 and <= 133 && counts[2] is >= 115 and <= 185, $"counts per node (num_cpus 1, 2, 3): {string.Join('/', counts)}");
    }

    [Fact]
    public async Task Max_instances_three_runs_three_instances_and_spreads_casts_over_them()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "sink" }),
                PlatformCluster.Function<PulseFunction>("sink", $"role=sink,key={key}", null, new() { ["max_instances"] = "3" }),
            ],
        };

        var ids = await platform.DomainGrain.DeployWorkflow("spread", spec);
        var sinks = (await platform.DomainGrain.Inspect()).Instances[ids["sink"]];

        // Every one of the three gets a share of the source's casts. (Should a node be declared lost under load,
        // its sink is replaced: the check follows the current three.)
        Assert.Equal(3, sinks.Length);
        Assert.Equal(3, sinks.Select(i => i.NodeId).Distinct().Count());
        await platform.WaitAsync(async () =>
        {
            var current = (await platform.DomainGrain.Inspect()).Instances[ids["sink"]].Select(i => i.ComponentId.ToString("D")).ToHashSet();
            var perInstance = Observed.Of(key + ":sink-instance").Where(current.Contains).GroupBy(i => i).Select(g => g.Count()).ToList();
            return current.Count == 3 && perInstance.Count == 3 && perInstance.All(n => n >= 5);
        });
    }

    [Fact]
    public async Task A_crashing_function_is_restarted_and_keeps_serving()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "crasher" }),
                PlatformCluster.Function<CrashingFunction>("crasher", $"key={key}"),
            ],
        };

        await platform.DomainGrain.DeployWorkflow("crash", spec);

        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":handled").Distinct().Count() == 2 && Observed.Of(key + ":handled").Count > 6));
    }

    [Fact]
    public async Task A_call_to_a_function_that_never_replies_fails_at_its_deadline()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<CallerFunction>("caller", $"key={key}", new() { ["out"] = "silent" }),
                PlatformCluster.Function<SilentFunction>("silent", "x=1"),
            ],
        };

        await platform.DomainGrain.DeployWorkflow("deadline", spec);
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":result").Count == 1));

        var result = Observed.Of(key + ":result")[0];
        Assert.StartsWith("Error:", result);
        Assert.Contains("no answer within", result);
    }

    [Fact]
    public async Task With_global_state_a_counter_keeps_its_value_when_its_node_dies()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 3);
        var key = Guid.NewGuid().ToString("N");
        var home = platform.Nodes[0].Name;
        var others = $"{platform.Nodes[1].Name},{platform.Nodes[2].Name}";
        var spec = PlatformCluster.GlobalCounter(key, home, others);
        var ids = await platform.DomainGrain.DeployWorkflow("state", spec);
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":count").Count >= 10));
        var counterNode = Observed.Of(key + ":node")[0];

        // The count lives in the counter's logical function grain, on the orchestrator silo, not on the node.
        var stored = await platform.Cluster.Client.GetGrain<ILogicalFunctionGrain>(ids["counter"].ToString()).Inspect();
        Assert.True(stored?.StateBytes > 0, "no global state stored for the counter");

        await platform.Cluster.KillSiloAsync(platform.Nodes.Single(n => n.Name == counterNode));
        var before = Observed.Of(key + ":count").Count;
        await platform.WaitAsync(() => Task.FromResult(Observed.Of(key + ":node").Skip(before).Any(n => n != counterNode)));

        var counts = Observed.Of(key + ":count").Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        var nodes = Observed.Of(key + ":node");
        var firstAfterMove = nodes.FindIndex(n => n != counterNode);
        Assert.True(counts[firstAfterMove] > 10, $"the relocated counter restarted from {counts[firstAfterMove]}");
    }

    [Fact]
    public async Task A_sync_arriving_after_its_workflow_stopped_does_not_store_the_state_again()
    {
        await using var platform = await PlatformCluster.StartAsync(nodes: 1);
        var key = Guid.NewGuid().ToString("N");
        var ids = await platform.DomainGrain.DeployWorkflow("late-sync", PlatformCluster.GlobalCounter(key));
        var counter = platform.Cluster.Client.GetGrain<ILogicalFunctionGrain>(ids["counter"].ToString());
        await platform.WaitAsync(async () => await counter.LoadState() is not null);

        await platform.DomainGrain.StopWorkflow("late-sync");
        await platform.WaitAsync(async () => await counter.LoadState() is null);

        // What an instance that had not heard of the stop would send (its node unreachable, or its sync delayed).
        await counter.SaveState([1, 2, 3]);
        Assert.Null(await counter.LoadState());
        Assert.Contains(platform.Logs.Entries, e => e.Message.Contains($"Logical function {ids["counter"]} is retired", StringComparison.Ordinal));

        // A function retired before it ever stored state turns late syncs away too.
        // (Activated by a first request, so the one-way Retire and the SaveState after it go to one activation in order.)
        var never = platform.Cluster.Client.GetGrain<ILogicalFunctionGrain>(Guid.NewGuid().ToString());
        Assert.Null(await never.LoadState());
        await never.Retire();
        await never.SaveState([4, 5]);
        Assert.Null(await never.LoadState());
    }
}
