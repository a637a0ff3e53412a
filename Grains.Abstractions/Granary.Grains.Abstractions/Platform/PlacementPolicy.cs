namespace Granary.Grains.Platform;

/// <summary>How a domain chooses among eligible nodes (EDGELESS's orchestration strategies; Granary:Domain:Strategy).</summary>
public enum PlacementPolicy
{
    /// <summary>Weighted random: weight = num_cpus × num_cores × clock_freq_cpu.</summary>
    Random,

    /// <summary>The next eligible node after the last one used, wrapping around.</summary>
    RoundRobin,
}
