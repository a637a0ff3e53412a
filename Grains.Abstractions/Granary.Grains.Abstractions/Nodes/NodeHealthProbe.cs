using System.Diagnostics;

namespace Granary.Grains.Nodes;

/// <summary>
/// Samples a node's health from Linux /proc (meminfo, loadavg, net/dev, diskstats), the root file system and the
/// current process. Process CPU usage is measured between consecutive samples (the first sample measures since the
/// process started), so keep one probe per node and sample it on the refresh period. A missing /proc file gives
/// zeros, never an exception. GPU load, GPU temperature and power are not measured and are always 0.
/// </summary>
public sealed class NodeHealthProbe(NodeProbePaths? paths = null, TimeProvider? timeProvider = null)
{
    private readonly NodeProbePaths _paths = paths ?? new NodeProbePaths();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private TimeSpan? _lastCpu;
    private DateTimeOffset _lastWall;

    /// <summary>Reads the system now. Safe to call from several threads; CPU usage is then measured between whichever calls came last.</summary>
    public NodeHealth Sample()
    {
        var memory = ProcParsers.ParseMemInfo(Read("meminfo"));
        var load = ProcParsers.ParseLoadAvg(Read("loadavg"));
        var net = ProcParsers.ParseNetDev(Read(Path.Combine("net", "dev")));
        var disk = ProcParsers.ParseDiskStats(Read("diskstats"));
        var (_, diskAvailable) = ProbeFiles.DiskSpace(_paths.DiskPath);

        using var process = Process.GetCurrentProcess();
        return new NodeHealth
        {
            MemFree = memory.FreeKb,
            MemUsed = Math.Max(0, memory.TotalKb - memory.AvailableKb),
            MemAvailable = memory.AvailableKb,
            ProcCpuUsage = CpuUsagePercent(process),
            ProcMemory = process.WorkingSet64 / 1024,
            ProcVmemory = process.VirtualMemorySize64 / 1024,
            LoadAvg1 = Hundredths(load.One),
            LoadAvg5 = Hundredths(load.Five),
            LoadAvg15 = Hundredths(load.Fifteen),
            TotRxBytes = net.RxBytes,
            TotRxPkts = net.RxPackets,
            TotRxErrs = net.RxErrors,
            TotTxBytes = net.TxBytes,
            TotTxPkts = net.TxPackets,
            TotTxErrs = net.TxErrors,
            DiskFreeSpace = diskAvailable,
            DiskTotReads = disk.Reads,
            DiskTotWrites = disk.Writes,
        };
    }

    private int CpuUsagePercent(Process process)
    {
        var cpu = process.TotalProcessorTime;
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var previousCpu = _lastCpu ?? TimeSpan.Zero;
            var previousWall = _lastCpu is null ? new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero) : _lastWall;
            _lastCpu = cpu;
            _lastWall = now;
            var wall = (now - previousWall).TotalSeconds;
            return wall <= 0 ? 0 : (int)Math.Round(Math.Max(0, (cpu - previousCpu).TotalSeconds) / wall * 100);
        }
    }

    private static int Hundredths(double value) => (int)Math.Round(value * 100);

    private string Read(string relative) => ProbeFiles.ReadOrEmpty(Path.Combine(_paths.ProcRoot, relative));
}
