using Granary.Grains.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// Resource fit: among the nodes with room for the request (the scheduler leaves out the others), the one with the
/// largest share of its capacity still free once the request is added, averaged over CPU, memory and disk (the
/// resources the node reports a capacity for). Spreads load; a node that reports no capacity scores lowest.
/// </summary>
public sealed class ResourceFitScorer : IPlacementScorer
{
    public PlacementPolicy Policy => PlacementPolicy.ResourceFit;

    public double Score(ResourceRequest request, PlacementCandidate candidate)
    {
        var capacity = candidate.Capacity;
        var after = candidate.Free - request;
        var sum = 0.0;
        var counted = 0;
        Add(after.CpuMillicores, capacity.CpuMillicores, ref sum, ref counted);
        Add(after.MemoryMib, capacity.MemoryMib, ref sum, ref counted);
        Add(after.DiskMib, capacity.DiskMib, ref sum, ref counted);
        return counted == 0 ? -1 : sum / counted;
    }

    private static void Add(long free, long capacity, ref double sum, ref int counted)
    {
        if (capacity > 0)
        {
            sum += (double)free / capacity;
            counted++;
        }
    }
}
