namespace Granary.Grains.Nodes;

/// <summary>
/// Detects a node's capabilities from Linux /proc and the .NET runtime, then applies configured overrides.
/// Works on any machine: a missing /proc file gives zeros (the logical CPU count then comes from
/// <see cref="Environment.ProcessorCount"/>), never an exception.
/// </summary>
/// <remarks>
/// Sources: /proc/cpuinfo (CPUs, cores, model, BogoMIPS), /proc/meminfo (MemTotal), the size of the file system
/// holding <see cref="NodeProbePaths.DiskPath"/>, <c>/dev/tpm0</c> or <c>/dev/tpmrm0</c> (TPM), and
/// <c>/dev/tdx_guest</c> or <c>/dev/sev-guest</c> (running inside a confidential VM, i.e. a TEE). Labels, runtimes
/// and GPUs are not detected: they come from <see cref="NodeCapabilitiesOverrides"/>.
/// </remarks>
public sealed class NodeCapabilitiesProbe(NodeProbePaths? paths = null)
{
    private readonly NodeProbePaths _paths = paths ?? new NodeProbePaths();

    /// <summary>Reads the system now and returns its capabilities with <paramref name="overrides"/> applied.</summary>
    public NodeCapabilities Detect(NodeCapabilitiesOverrides? overrides = null)
    {
        var cpu = ProcParsers.ParseCpuInfo(ProbeFiles.ReadOrEmpty(Path.Combine(_paths.ProcRoot, "cpuinfo")));
        var memory = ProcParsers.ParseMemInfo(ProbeFiles.ReadOrEmpty(Path.Combine(_paths.ProcRoot, "meminfo")));
        var (diskTotal, _) = ProbeFiles.DiskSpace(_paths.DiskPath);
        var logical = cpu.LogicalCpus > 0 ? cpu.LogicalCpus : Environment.ProcessorCount;
        var detected = new NodeCapabilities
        {
            NumCpus = logical,
            ModelNameCpu = cpu.ModelName,
            ClockFreqCpu = cpu.BogoMips,
            NumCores = cpu.PhysicalCores > 0 ? cpu.PhysicalCores : logical,
            MemSize = memory.TotalKb / 1024,
            IsTeeRunning = AnyDevice("tdx_guest", "sev-guest"),
            HasTpm = AnyDevice("tpm0", "tpmrm0"),
            DiskTotSpace = diskTotal / (1024 * 1024),
        };
        return overrides is null ? detected : overrides.ApplyTo(detected);
    }

    private bool AnyDevice(params string[] names) => names.Any(n => File.Exists(Path.Combine(_paths.DevRoot, n)));
}
