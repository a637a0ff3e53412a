namespace Granary.Grains.Platform;

/// <summary>
/// How a domain chooses among eligible nodes (Granary:Domain:Strategy; a function's <c>placement</c> annotation
/// overrides it). EDGELESS's strategies, and Cube's resource-aware ones.
/// </summary>
public enum PlacementPolicy
{
    /// <summary>Weighted random: weight = num_cpus × num_cores × clock_freq_cpu.</summary>
    Random,

    /// <summary>The next eligible node after the last one used, wrapping around.</summary>
    RoundRobin,

    /// <summary>The node with the largest share of its capacity still free once the instance's request is added.</summary>
    ResourceFit,

    /// <summary>
    /// Cube's E-PVM (Amir et al.): each resource costs a base raised to its utilisation; the node whose cost grows
    /// least when the instance's request is added wins.
    /// </summary>
    Epvm,
}
