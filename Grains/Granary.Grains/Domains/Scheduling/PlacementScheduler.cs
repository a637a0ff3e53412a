using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// A domain's placement decisions, in Cube's three steps: the candidates (nodes that meet the deployment requirements,
/// given by the domain) are filtered to those with room for the request (free capacity, when the function requests
/// any resource, whatever the strategy), scored by the strategy's <see cref="IPlacementScorer"/>, and the best one is
/// taken (the earliest registered on a tie). Resources (file-log, http-ingress, ...) go to a uniformly random
/// candidate. Used inside the domain grain's turns only: not thread-safe.
/// </summary>
public sealed class PlacementScheduler
{
    private readonly Dictionary<PlacementPolicy, IPlacementScorer> _scorers;
    private readonly UniformRandomScorer _resources;

    /// <summary>A scheduler with a scorer for each <see cref="PlacementPolicy"/>; <paramref name="random"/> drives the random ones.</summary>
    public PlacementScheduler(Random random)
        : this(random, [new WeightedRandomScorer(random), new RoundRobinScorer(), new ResourceFitScorer(), new EpvmScorer()])
    {
    }

    public PlacementScheduler(Random random, IEnumerable<IPlacementScorer> scorers)
    {
        _scorers = scorers.ToDictionary(s => s.Policy);
        _resources = new UniformRandomScorer(random);
    }

    /// <summary>The scorer of <paramref name="policy"/>.</summary>
    public IPlacementScorer Scorer(PlacementPolicy policy) =>
        _scorers.TryGetValue(policy, out var scorer) ? scorer : throw new ArgumentOutOfRangeException(nameof(policy), policy, "no scorer for this placement strategy");

    /// <summary>
    /// Chooses among <paramref name="candidates"/> (in registration order) for an instance requesting
    /// <paramref name="request"/>. No candidate with room: no choice, and the reason names each node and what it lacks.
    /// </summary>
    public PlacementDecision Choose(PlacementPolicy policy, ResourceRequest request, IReadOnlyList<PlacementCandidate> candidates, bool isResource = false)
    {
        var scorer = isResource ? _resources : Scorer(policy);
        PlacementCandidate? best = null;
        var bestScore = double.NegativeInfinity;
        var checkRoom = !request.IsNone;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (checkRoom && !request.FitsIn(candidate.Free))
            {
                continue;
            }

            var score = scorer.Score(request, candidate);
            if (best is null || score > bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }

        if (best is null)
        {
            return new PlacementDecision(null, candidates.Count == 0 ? "no candidate node" : NoRoom(request, candidates));
        }

        scorer.Chosen(best);
        return new PlacementDecision(best, null);
    }

    /// <summary>Why no candidate fits: <c>node n1 has room for cpu 0.5, memory 100 MiB, disk 0 MiB (requested cpu 1, ...)</c>, per node.</summary>
    private static string NoRoom(ResourceRequest request, IReadOnlyList<PlacementCandidate> candidates) =>
        string.Join("; ", candidates.Select(c =>
            $"node {c.Descriptor.DisplayName} has no room: {request} requested, {Floor(c.Free)} free of {c.Capacity}"));

    private static ResourceRequest Floor(ResourceRequest free) =>
        new(Math.Max(0, free.CpuMillicores), Math.Max(0, free.MemoryMib), Math.Max(0, free.DiskMib));
}
