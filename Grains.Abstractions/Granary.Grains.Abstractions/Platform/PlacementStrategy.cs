namespace Granary.Grains.Platform;

/// <summary>How a domain chooses among eligible nodes (EDGELESS's strategies).</summary>
public enum PlacementStrategy
{
    /// <summary>Weighted random: weight = num_cpus × num_cores × clock_freq_cpu.</summary>
    Random,

    /// <summary>The next eligible node after the last one used, wrapping around.</summary>
    RoundRobin,
}
