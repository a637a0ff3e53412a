using Granary.Grains.Domains.Scheduling;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Platform.Tests.Jobs;

/// <summary>Candidates → score → best: each strategy of <see cref="PlacementScheduler"/>, and the room check they share.</summary>
public sealed class PlacementSchedulerTests
{
    private static readonly ResourceRequest OneCore = new(1000, 0, 0);

    [Fact]
    public void Weighted_random_chooses_nodes_in_proportion_to_their_cpu_weight()
    {
        var scheduler = new PlacementScheduler(new Random(7));
        var candidates = new[] { Candidate("a", 1, cpus: 1), Candidate("b", 2, cpus: 3) };

        var toB = Enumerable.Range(0, 4000).Count(_ => scheduler.Choose(PlacementPolicy.Random, ResourceRequest.None, candidates).Chosen!.Descriptor.Name == "b");

        // Expected 3/4 of 4000 = 3000; the bounds are about five standard deviations (27) wide.
        Assert.InRange(toB, 2860, 3140);
    }

    [Fact]
    public void Round_robin_takes_the_next_node_in_registration_order_and_wraps()
    {
        var scheduler = new PlacementScheduler(new Random(1));
        var candidates = new[] { Candidate("a", 1), Candidate("b", 2), Candidate("c", 3) };

        var chosen = Enumerable.Range(0, 5).Select(_ => scheduler.Choose(PlacementPolicy.RoundRobin, ResourceRequest.None, candidates).Chosen!.Descriptor.Name);

        Assert.Equal(["a", "b", "c", "a", "b"], chosen);
    }

    [Fact]
    public void Resource_fit_chooses_the_node_with_the_largest_share_free_after_placement()
    {
        var scheduler = new PlacementScheduler(new Random(1));
        var candidates = new[]
        {
            Candidate("busy", 1, cpus: 4, memory: 4096, allocated: new(3000, 1024, 0)),
            Candidate("idle-small", 2, cpus: 2, memory: 1024),
            Candidate("half-big", 3, cpus: 8, memory: 8192, allocated: new(4000, 4096, 0)),
        };

        var decision = scheduler.Choose(PlacementPolicy.ResourceFit, new ResourceRequest(500, 256, 0), candidates);

        // Free shares after placement: busy (0.125 + 0.6875) / 2, idle-small (0.75 + 0.75) / 2, half-big (0.4375 + 0.46875) / 2.
        Assert.Equal("idle-small", decision.Chosen!.Descriptor.Name);
    }

    [Fact]
    public void No_node_with_room_means_no_placement_and_the_reason_names_each_node()
    {
        var scheduler = new PlacementScheduler(new Random(1));
        var candidates = new[] { Candidate("a", 1, cpus: 1, allocated: new(500, 0, 0)), Candidate("b", 2, cpus: 2, allocated: new(1500, 0, 0)) };

        var decision = scheduler.Choose(PlacementPolicy.ResourceFit, OneCore, candidates);

        Assert.Null(decision.Chosen);
        Assert.Equal(
            "node a has no room: cpu 1, memory 0 MiB, disk 0 MiB requested, cpu 0.5, memory 0 MiB, disk 0 MiB free of cpu 1, memory 0 MiB, disk 0 MiB; "
            + "node b has no room: cpu 1, memory 0 MiB, disk 0 MiB requested, cpu 0.5, memory 0 MiB, disk 0 MiB free of cpu 2, memory 0 MiB, disk 0 MiB",
            decision.Reason);
    }

    [Theory]
    [InlineData(PlacementPolicy.Random)]
    [InlineData(PlacementPolicy.RoundRobin)]
    [InlineData(PlacementPolicy.Epvm)]
    public void Every_strategy_leaves_out_nodes_without_room_for_the_request(PlacementPolicy policy)
    {
        var scheduler = new PlacementScheduler(new Random(3));
        var candidates = new[] { Candidate("full", 1, cpus: 2, allocated: new(1500, 0, 0)), Candidate("roomy", 2, cpus: 2) };

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("roomy", scheduler.Choose(policy, OneCore, candidates).Chosen!.Descriptor.Name);
        }
    }

    [Fact]
    public void Epvm_fills_nodes_by_least_marginal_cost_until_each_is_full()
    {
        var scheduler = new PlacementScheduler(new Random(1));
        var allocated = new Dictionary<string, ResourceRequest> { ["one"] = default, ["two"] = default, ["three"] = default };
        var cpus = new Dictionary<string, int> { ["one"] = 1, ["two"] = 2, ["three"] = 3 };
        var order = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var candidates = allocated.Keys.Select((name, index) => Candidate(name, index + 1, cpus: cpus[name], allocated: allocated[name])).ToList();
            var decision = scheduler.Choose(PlacementPolicy.Epvm, OneCore, candidates);
            if (decision.Chosen is not { } chosen)
            {
                order.Add("none");
                break;
            }

            order.Add(chosen.Descriptor.Name);
            allocated[chosen.Descriptor.Name] += OneCore;
        }

        // Marginal costs (base 1.5396): three 0.155, 0.179, 0.206; two 0.241, 0.299; one 0.540.
        Assert.Equal(["three", "three", "three", "two", "two", "one", "none"], order);
    }

    [Fact]
    public void Epvm_marginal_cost_is_the_growth_of_base_to_the_utilisation_per_resource()
    {
        var scorer = new EpvmScorer();
        var candidate = Candidate("a", 1, cpus: 2, memory: 1000, allocated: new(1000, 250, 0));

        var cost = scorer.MarginalCost(new ResourceRequest(500, 250, 0), candidate);

        var b = EpvmScorer.DefaultBase;
        Assert.Equal(Math.Pow(b, 0.75) - Math.Pow(b, 0.5) + Math.Pow(b, 0.5) - Math.Pow(b, 0.25), cost, 12);
    }

    [Fact]
    public void Epvm_costs_an_instance_without_requests_as_the_nominal_request()
    {
        var scheduler = new PlacementScheduler(new Random(1));
        var candidates = new[]
        {
            Candidate("loaded", 1, cpus: 2, memory: 2048, load: new ResourceRequest(1000, 640, 0)),
            Candidate("quiet", 2, cpus: 2, memory: 2048),
        };

        Assert.Equal("quiet", scheduler.Choose(PlacementPolicy.Epvm, ResourceRequest.None, candidates).Chosen!.Descriptor.Name);
    }

    [Fact]
    public void Resources_go_to_any_candidate_whatever_the_strategy()
    {
        var scheduler = new PlacementScheduler(new Random(5));
        var candidates = new[] { Candidate("a", 1), Candidate("b", 2), Candidate("c", 3) };

        var chosen = Enumerable.Range(0, 300).Select(_ => scheduler.Choose(PlacementPolicy.RoundRobin, ResourceRequest.None, candidates, isResource: true).Chosen!.Descriptor.Name).ToList();

        Assert.All(["a", "b", "c"], name => Assert.InRange(chosen.Count(c => c == name), 60, 140));
    }

    private static PlacementCandidate Candidate(string name, long order, int cpus = 1, long memory = 0, ResourceRequest allocated = default, ResourceRequest? load = null) =>
        new(new NodeDescriptor(Guid.NewGuid(), new NodeCapabilities { NumCpus = cpus, NumCores = 1, MemSize = memory }) { Name = name }, order, allocated, load ?? allocated);
}
