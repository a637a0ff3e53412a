using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// Cube's E-PVM scheduler, after Amir et al.'s opportunity cost method ("An opportunity cost approach for job
/// assignment in a scalable computing cluster", 2000): each resource of a node costs <c>base^utilisation</c>, so a
/// resource grows dearer exponentially as it fills; the instance goes to the node whose cost grows least when its
/// request is added: the marginal cost <c>Σ base^(u + Δ) − base^u</c> over CPU, memory and disk, where <c>u</c> is
/// the share of the node's capacity requested by the instances placed there (<see cref="PlacementCandidate.Load"/>)
/// and <c>Δ</c> the share this request adds. The base is Cube's (1.5396...). An instance that requests nothing is
/// costed as <see cref="NominalRequest"/>, so that nodes still fill evenly; the nodes without room are left out by the
/// scheduler before scoring.
/// </summary>
public sealed class EpvmScorer : IPlacementScorer
{
    /// <summary>Cube's base of the cost function.</summary>
    public const double DefaultBase = 1.53960071783900203869;

    /// <summary>What an instance without <c>cpu</c>, <c>memory</c> and <c>disk</c> annotations is costed as: a tenth of a core and 64 MiB.</summary>
    public static readonly ResourceRequest NominalRequest = new(100, 64, 0);

    private const int MaxCachedGrowths = 4096;

    private readonly double _logBase;
    private readonly Dictionary<(long Requested, long Capacity), double> _growth = [];

    public EpvmScorer(double costBase = DefaultBase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(costBase, 1.0);
        _logBase = Math.Log(costBase);
    }

    public PlacementPolicy Policy => PlacementPolicy.Epvm;

    public double Score(ResourceRequest request, PlacementCandidate candidate) => -MarginalCost(LoadOf(request), candidate);

    /// <summary>How much the node's cost grows when <paramref name="request"/> is added to it.</summary>
    public double MarginalCost(ResourceRequest request, PlacementCandidate candidate)
    {
        var capacity = candidate.Capacity;
        var allocated = candidate.Load;
        return Marginal(allocated.CpuMillicores, request.CpuMillicores, capacity.CpuMillicores)
            + Marginal(allocated.MemoryMib, request.MemoryMib, capacity.MemoryMib)
            + Marginal(allocated.DiskMib, request.DiskMib, capacity.DiskMib);
    }

    /// <summary>What an instance requesting <paramref name="request"/> weighs in <see cref="PlacementCandidate.Load"/>.</summary>
    public static ResourceRequest LoadOf(ResourceRequest request) => request.IsNone ? NominalRequest : request;

    private double Marginal(long allocated, long requested, long capacity)
    {
        if (requested == 0 || capacity <= 0)
        {
            return 0;
        }

        // base^(u + Δ) − base^u = base^u × (base^Δ − 1): base^Δ depends only on the request and the capacity, which
        // few distinct values share across a domain's nodes, so it is computed once per pair.
        return Math.Exp((double)allocated / capacity * _logBase) * Growth(requested, capacity);
    }

    private double Growth(long requested, long capacity)
    {
        if (_growth.TryGetValue((requested, capacity), out var growth))
        {
            return growth;
        }

        if (_growth.Count >= MaxCachedGrowths)
        {
            _growth.Clear();
        }

        growth = Math.Exp((double)requested / capacity * _logBase) - 1;
        _growth[(requested, capacity)] = growth;
        return growth;
    }
}
