namespace Granary.Grains.Protection;

/// <summary>Thresholds of one domain or one node label; those left unset keep the value they override.</summary>
public sealed class ProtectionOverrides
{
    /// <summary>CPU threshold, in percent.</summary>
    public double? Cpu { get; set; }

    /// <summary>Memory threshold, in percent.</summary>
    public double? Memory { get; set; }

    /// <summary>Disk threshold, in percent.</summary>
    public double? Disk { get; set; }

    /// <summary>Load threshold (one-minute load per logical CPU), in percent.</summary>
    public double? Load { get; set; }

    /// <summary>Release level, in percent.</summary>
    public double? Release { get; set; }

    /// <summary>Samples in a row it takes to limit, taint or restore.</summary>
    public int? ConsecutiveSamples { get; set; }

    /// <summary>The resources watched.</summary>
    public WatchedResources? Watch { get; set; }

    /// <summary><paramref name="thresholds"/> with the values set here.</summary>
    public ProtectionThresholds ApplyTo(ProtectionThresholds thresholds) => new(
        Cpu ?? thresholds.Cpu,
        Memory ?? thresholds.Memory,
        Disk ?? thresholds.Disk,
        Load ?? thresholds.Load,
        Release ?? thresholds.Release,
        ConsecutiveSamples ?? thresholds.ConsecutiveSamples,
        Watch ?? thresholds.Watch);
}
