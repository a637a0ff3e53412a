using System.Diagnostics;
using Granary.Grains.Domains.Scheduling;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;

namespace Granary.Benchmarks.Suites;

/// <summary>
/// <c>placement_epvm_us</c>: one E-PVM decision in a domain of 1,000 registered nodes holding 3,000 instances: the
/// scheduler's room check, scoring and pick over the 1,000 candidates the domain grain builds, called as the domain
/// grain calls it. Yardstick: the same decision with round robin, in the same run. The domain's whole step (the
/// requirements checked on every node, the nodes ordered, each turned into a candidate with the allocation the domain
/// keeps up to date as instances come and go, see <see cref="PlacedInstances"/>, then the decision) is printed as a note.
/// </summary>
public static class PlacementDecisionBenchmark
{
    private const int NodeCount = 1000;
    private const int InstancesPerNode = 3;
    /// <summary>Long enough for the JIT's tiering to replace the first code of every method the decision runs.</summary>
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);
    private const int Samples = 2000;

    public static void Run(BenchReport report)
    {
        var domain = Domain.Create();
        var scheduler = new PlacementScheduler(new Random(1));
        var request = new ResourceRequest(500, 256, 0);
        var candidates = domain.Candidates();
        var epvm = Measure(() => scheduler.Choose(PlacementPolicy.Epvm, request, candidates).Chosen);
        var roundRobin = Measure(() => scheduler.Choose(PlacementPolicy.RoundRobin, request, candidates).Chosen);
        var wholeStep = Measure(() => scheduler.Choose(PlacementPolicy.Epvm, request, domain.Candidates()).Chosen);
        report.Note($"E-PVM decision among {NodeCount} candidates: median {epvm:0.0} us (round robin {roundRobin:0.0} us); the domain's whole "
            + $"step, the candidates included (requirements checked on every node, ordered by registration, allocations read): {wholeStep:0.0} us");
        report.Lower("placement_epvm_us", epvm, "us", roundRobin);
    }

    private static double Measure(Func<PlacementCandidate?> decide)
    {
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < Warmup)
        {
            _ = decide() ?? throw new InvalidOperationException("no node was chosen");
        }

        var samples = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            _ = decide();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        return Stats.Median(samples);
    }

    /// <summary>A domain's nodes and placed instances, as the domain grain holds them.</summary>
    private sealed class Domain
    {
        private readonly List<(NodeDescriptor Descriptor, long Order)> _nodes = [];
        private readonly NodeAllocations _allocations = new();
        private readonly HashSet<Guid> _cordoned = [];
        private DeploymentRequirements _requirements = null!;

        public static Domain Create()
        {
            var random = new Random(42);
            var domain = new Domain();
            for (var i = 0; i < NodeCount; i++)
            {
                var capabilities = new NodeCapabilities
                {
                    NumCpus = 2 + (i % 7),
                    NumCores = 1 + (i % 4),
                    MemSize = 2048L * (1 + (i % 4)),
                    DiskTotSpace = 65536,
                    Runtimes = [FunctionTypes.Dotnet, FunctionTypes.RustWasm],
                    Labels = [$"zone={i % 5}", "tier=edge"],
                };
                domain._nodes.Add((new NodeDescriptor(Guid.NewGuid(), capabilities) { Name = $"node-{i}" }, i + 1));
            }

            // 3,000 instances of 300 functions, half of them with requests, spread at random.
            for (var f = 0; f < 300; f++)
            {
                var request = f % 2 == 0 ? new ResourceRequest(100 * (1 + (f % 5)), 64 * (1 + (f % 3)), 0) : ResourceRequest.None;
                var instances = new PlacedInstances(domain._allocations, request);
                for (var i = 0; i < NodeCount * InstancesPerNode / 300; i++)
                {
                    instances.Add(InstanceId.NewOn(domain._nodes[random.Next(NodeCount)].Descriptor.NodeId));
                }
            }

            domain._requirements = DeploymentRequirements.ForFunction(
                new FunctionSpec("task", new FunctionClassSpecification("task", FunctionType.Dotnet, "1.0", "task.dll"))
                {
                    Annotations = new Dictionary<string, string> { ["label_match_all"] = "tier=edge" },
                });
            return domain;
        }

        /// <summary>The candidates as DomainGrain.PlaceMissingInstancesAsync and Choose build them for a function not placed yet.</summary>
        public List<PlacementCandidate> Candidates()
        {
            var eligible = _nodes.OrderBy(n => n.Order)
                .Where(n => !_cordoned.Contains(n.Descriptor.NodeId) && _requirements.Check(n.Descriptor).IsEligible).ToList();
            return eligible.Select(n => _allocations.Candidate(n.Descriptor, n.Order)).ToList();
        }
    }
}
