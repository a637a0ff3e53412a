namespace Granary.Grains.Nodes;

/// <summary>
/// Measures a node's usage from Linux /proc (stat, meminfo, loadavg) and the file system holding
/// <see cref="NodeProbePaths.DiskPath"/>. Machine-wide CPU use is the busy share of the CPU time that passed between
/// two samples (the first sample measures since boot). With <see cref="NodeProbePaths.CpuCgroup"/>, CPU use is instead
/// the CPU time that cgroup's processes used between two samples, in percent of all logical CPUs over the time that
/// passed (0 for the first sample). A missing file gives zeros, never an exception.
/// </summary>
public sealed class NodeUsageProbe(NodeProbePaths? paths = null, TimeProvider? timeProvider = null) : INodeUsageProbe
{
    private readonly NodeProbePaths _paths = paths ?? new NodeProbePaths();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private ProcParsers.CpuTimes _last;
    private (long UsageNanoseconds, long Timestamp)? _lastCgroup;

    /// <inheritdoc/>
    public NodeUsage Sample()
    {
        var cpu = ProcParsers.ParseCpuStat(Read("stat"));
        var memory = ProcParsers.ParseMemInfo(Read("meminfo"));
        var load = ProcParsers.ParseLoadAvg(Read("loadavg"));
        var (diskTotal, diskAvailable) = ProbeFiles.DiskSpace(_paths.DiskPath);
        var cores = cpu.Cpus > 0 ? cpu.Cpus : Environment.ProcessorCount;
        double busy;
        lock (_lock)
        {
            busy = _paths.CpuCgroup is { } cgroup ? CgroupPercent(cgroup, cores) : ProcParsers.CpuTimes.BusyPercent(_last, cpu);
            _last = cpu;
        }

        return new NodeUsage
        {
            At = _time.GetUtcNow(),
            CpuPercent = busy,
            CpuCores = cores,
            MemTotalBytes = memory.TotalKb * 1024,
            MemAvailableBytes = memory.AvailableKb * 1024,
            DiskTotalBytes = diskTotal,
            DiskFreeBytes = diskAvailable,
            Load1 = load.One,
            Load5 = load.Five,
            Load15 = load.Fifteen,
        };
    }

    /// <summary>The cgroup's CPU time since the previous sample, in percent of <paramref name="cores"/> CPUs over the time that passed.</summary>
    private double CgroupPercent(string cgroup, int cores)
    {
        var usage = ProcParsers.ParseCgroupCpuNanoseconds(
            ProbeFiles.ReadOrEmpty(Path.Combine(cgroup, "cpu.stat")), ProbeFiles.ReadOrEmpty(Path.Combine(cgroup, "cpuacct.usage")));
        var now = _time.GetTimestamp();
        var previous = _lastCgroup;
        _lastCgroup = (usage, now);
        if (previous is not { } last)
        {
            return 0;
        }

        var wall = _time.GetElapsedTime(last.Timestamp, now).TotalSeconds * Math.Max(1, cores);
        return wall <= 0 ? 0 : Math.Clamp((usage - last.UsageNanoseconds) / 1e9 / wall * 100, 0, 100);
    }

    private string Read(string relative) => ProbeFiles.ReadOrEmpty(Path.Combine(_paths.ProcRoot, relative));
}
