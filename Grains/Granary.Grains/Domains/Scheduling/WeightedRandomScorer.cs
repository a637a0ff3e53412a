using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// EDGELESS's weighted random strategy: a node is chosen with probability proportional to num_cpus × num_cores ×
/// clock_freq_cpu (each at least 1). As a score: ln(U) / weight for a uniform U in (0, 1], whose maximum over the
/// candidates falls on each with that probability (Efraimidis and Spirakis' weighted sampling keys).
/// </summary>
public sealed class WeightedRandomScorer(Random random) : IPlacementScorer
{
    public PlacementPolicy Policy => PlacementPolicy.Random;

    public double Score(ResourceRequest request, PlacementCandidate candidate) =>
        Math.Log(1.0 - random.NextDouble()) / Weight(candidate);

    /// <summary>num_cpus × num_cores × clock_freq_cpu, each at least 1.</summary>
    public static double Weight(PlacementCandidate candidate)
    {
        var c = candidate.Descriptor.Capabilities;
        return Math.Max(1.0, c.NumCpus) * Math.Max(1.0, c.NumCores) * Math.Max(1.0, c.ClockFreqCpu);
    }
}
