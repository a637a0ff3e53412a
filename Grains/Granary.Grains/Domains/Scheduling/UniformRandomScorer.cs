using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>Every candidate equally likely: how resources (file-log, http-ingress, ...) are placed, whatever the strategy.</summary>
public sealed class UniformRandomScorer(Random random) : IPlacementScorer
{
    public PlacementPolicy Policy => PlacementPolicy.Random;

    public double Score(ResourceRequest request, PlacementCandidate candidate) => random.NextDouble();
}
