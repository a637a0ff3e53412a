namespace Granary.Grains.Nodes;

/// <summary>
/// Configured values that replace what <see cref="NodeCapabilitiesProbe"/> detects, one property per capability;
/// null leaves the detected value. Labels and runtimes cannot be detected and come only from here (the node host
/// sets <see cref="Runtimes"/> from the executors it starts); GPUs are not detected either.
/// </summary>
public sealed class NodeCapabilitiesOverrides
{
    /// <summary>Replaces <see cref="NodeCapabilities.NumCpus"/>.</summary>
    public int? NumCpus { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.ModelNameCpu"/>.</summary>
    public string? ModelNameCpu { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.ClockFreqCpu"/> (BogoMIPS).</summary>
    public float? ClockFreqCpu { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.NumCores"/>.</summary>
    public int? NumCores { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.MemSize"/> (MiB).</summary>
    public long? MemSize { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.Labels"/>; detected labels are always empty.</summary>
    public IList<string>? Labels { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.IsTeeRunning"/>.</summary>
    public bool? IsTeeRunning { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.HasTpm"/>.</summary>
    public bool? HasTpm { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.Runtimes"/>; detected runtimes are always empty.</summary>
    public IList<string>? Runtimes { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.DiskTotSpace"/> (MiB).</summary>
    public long? DiskTotSpace { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.NumGpus"/>.</summary>
    public int? NumGpus { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.ModelNameGpu"/>.</summary>
    public string? ModelNameGpu { get; set; }

    /// <summary>Replaces <see cref="NodeCapabilities.MemSizeGpu"/> (MiB).</summary>
    public long? MemSizeGpu { get; set; }

    /// <summary><paramref name="detected"/> with every non-null override applied.</summary>
    public NodeCapabilities ApplyTo(NodeCapabilities detected)
    {
        ArgumentNullException.ThrowIfNull(detected);
        return detected with
        {
            NumCpus = NumCpus ?? detected.NumCpus,
            ModelNameCpu = ModelNameCpu ?? detected.ModelNameCpu,
            ClockFreqCpu = ClockFreqCpu ?? detected.ClockFreqCpu,
            NumCores = NumCores ?? detected.NumCores,
            MemSize = MemSize ?? detected.MemSize,
            Labels = Labels is null ? detected.Labels : [.. Labels],
            IsTeeRunning = IsTeeRunning ?? detected.IsTeeRunning,
            HasTpm = HasTpm ?? detected.HasTpm,
            Runtimes = Runtimes is null ? detected.Runtimes : [.. Runtimes],
            DiskTotSpace = DiskTotSpace ?? detected.DiskTotSpace,
            NumGpus = NumGpus ?? detected.NumGpus,
            ModelNameGpu = ModelNameGpu ?? detected.ModelNameGpu,
            MemSizeGpu = MemSizeGpu ?? detected.MemSizeGpu,
        };
    }
}
