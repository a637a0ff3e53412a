using Granary.Grains.Placement;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// A node that meets a function's deployment requirements, as the scorers see it: its capacity (from its capabilities)
/// and what the instances the domain placed there requested.
/// </summary>
public sealed class PlacementCandidate
{
    public PlacementCandidate(NodeDescriptor descriptor, long order, ResourceRequest allocated, ResourceRequest load)
    {
        Descriptor = descriptor;
        Order = order;
        Allocated = allocated;
        Load = load;
        Capacity = CapacityOf(descriptor);
        Free = Capacity - allocated;
    }

    public NodeDescriptor Descriptor { get; }

    /// <summary>The rank of the node's registration with the domain (1 for the first): round robin follows it, ties go to the lower.</summary>
    public long Order { get; }

    /// <summary>The node's capacity: <c>num_cpus</c> cores, <c>mem_size</c> MiB of memory, <c>disk_tot_space</c> MiB of disk.</summary>
    public ResourceRequest Capacity { get; }

    /// <summary>The sum of the requests of the instances placed on the node.</summary>
    public ResourceRequest Allocated { get; }

    /// <summary>
    /// <see cref="Allocated"/> with every instance that requests nothing counted as <see cref="EpvmScorer.NominalRequest"/>:
    /// the utilisation E-PVM prices.
    /// </summary>
    public ResourceRequest Load { get; }

    /// <summary>Capacity minus what is allocated (negative parts when a node shrank or was overcommitted).</summary>
    public ResourceRequest Free { get; }

    /// <summary>The capacity of <paramref name="node"/> in request units.</summary>
    public static ResourceRequest CapacityOf(NodeDescriptor node) =>
        new(Math.Max(0, node.Capabilities.NumCpus) * 1000L, Math.Max(0, node.Capabilities.MemSize), Math.Max(0, node.Capabilities.DiskTotSpace));
}
