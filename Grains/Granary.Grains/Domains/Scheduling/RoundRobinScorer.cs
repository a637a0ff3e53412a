using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// EDGELESS's round robin: the first candidate registered after the node chosen last, wrapping around to the first
/// registered. The memory of the last choice is shared by every function of the domain.
/// </summary>
public sealed class RoundRobinScorer : IPlacementScorer
{
    // Lifts every node after the last chosen one above every node before it.
    private const double After = 1e15;

    private long _lastOrder;

    public PlacementPolicy Policy => PlacementPolicy.RoundRobin;

    public double Score(ResourceRequest request, PlacementCandidate candidate) =>
        -(double)candidate.Order + (candidate.Order > _lastOrder ? After : 0);

    public void Chosen(PlacementCandidate candidate) => _lastOrder = candidate.Order;
}
