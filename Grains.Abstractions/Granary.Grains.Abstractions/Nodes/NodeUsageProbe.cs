namespace Granary.Grains.Nodes;

/// <summary>
/// Measures a node's usage from Linux /proc (stat, meminfo, loadavg) and the file system holding
/// <see cref="NodeProbePaths.DiskPath"/>. Machine-wide CPU use is the busy share of the CPU time that passed between
/// two samples (the first sample measures since boot). A missing /proc file gives zeros, never an exception.
/// </summary>
public sealed class NodeUsageProbe(NodeProbePaths? paths = null, TimeProvider? timeProvider = null) : INodeUsageProbe
{
    private readonly NodeProbePaths _paths = paths ?? new NodeProbePaths();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private ProcParsers.CpuTimes _last;

    /// <inheritdoc/>
    public NodeUsage Sample()
    {
        var cpu = ProcParsers.ParseCpuStat(Read("stat"));
        var memory = ProcParsers.ParseMemInfo(Read("meminfo"));
        var load = ProcParsers.ParseLoadAvg(Read("loadavg"));
        var (diskTotal, diskAvailable) = ProbeFiles.DiskSpace(_paths.DiskPath);
        double busy;
        lock (_lock)
        {
            busy = ProcParsers.CpuTimes.BusyPercent(_last, cpu);
            _last = cpu;
        }

        return new NodeUsage
        {
            At = _time.GetUtcNow(),
            CpuPercent = busy,
            CpuCores = cpu.Cpus > 0 ? cpu.Cpus : Environment.ProcessorCount,
            MemTotalBytes = memory.TotalKb * 1024,
            MemAvailableBytes = memory.AvailableKb * 1024,
            DiskTotalBytes = diskTotal,
            DiskFreeBytes = diskAvailable,
            Load1 = load.One,
            Load5 = load.Five,
            Load15 = load.Fifteen,
        };
    }

    private string Read(string relative) => ProbeFiles.ReadOrEmpty(Path.Combine(_paths.ProcRoot, relative));
}
