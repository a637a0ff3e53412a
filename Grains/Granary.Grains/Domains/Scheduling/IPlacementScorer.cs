using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// One placement strategy: scores each candidate that has room for the request; the <see cref="PlacementScheduler"/>
/// takes the highest score (the earliest registered node on a tie). Scorers run inside the domain grain's turn, one
/// at a time, so they may keep state (round robin does).
/// </summary>
public interface IPlacementScorer
{
    /// <summary>The strategy this scorer implements.</summary>
    PlacementPolicy Policy { get; }

    /// <summary>How good <paramref name="candidate"/> is for an instance requesting <paramref name="request"/>; higher is better.</summary>
    double Score(ResourceRequest request, PlacementCandidate candidate);

    /// <summary>Told which candidate was chosen, after scoring.</summary>
    void Chosen(PlacementCandidate candidate)
    {
    }
}
