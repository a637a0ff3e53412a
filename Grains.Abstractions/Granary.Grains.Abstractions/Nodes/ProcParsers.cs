using System.Globalization;

namespace Granary.Grains.Nodes;

/// <summary>
/// Parsers for the Linux /proc files the node probes read. They take the file's text so they can be tested on
/// fixtures; malformed lines are skipped and missing values are zero, never an exception.
/// </summary>
internal static class ProcParsers
{
    /// <summary>What /proc/cpuinfo says about the processors.</summary>
    internal readonly record struct CpuInfo(int LogicalCpus, int PhysicalCores, string ModelName, float BogoMips);

    /// <summary>The /proc/meminfo values the probes use, in kB.</summary>
    internal readonly record struct MemInfo(long TotalKb, long FreeKb, long AvailableKb);

    /// <summary>The three load averages of /proc/loadavg.</summary>
    internal readonly record struct LoadAverages(double One, double Five, double Fifteen);

    /// <summary>Totals over the network interfaces of /proc/net/dev, loopback excluded.</summary>
    internal readonly record struct NetTotals(long RxBytes, long RxPackets, long RxErrors, long TxBytes, long TxPackets, long TxErrors);

    /// <summary>Reads and writes completed, summed over whole disks in /proc/diskstats.</summary>
    internal readonly record struct DiskTotals(long Reads, long Writes);

    /// <summary>
    /// The aggregate <c>cpu</c> line of /proc/stat in clock ticks since boot: all time (guest time is already part of
    /// user and nice, so it is not added again), idle time (idle plus iowait), and the number of <c>cpuN</c> lines.
    /// </summary>
    internal readonly record struct CpuTimes(long Total, long Idle, int Cpus)
    {
        /// <summary>The busy share of the time that passed from <paramref name="earlier"/> to <paramref name="later"/>, in percent (0 when none passed).</summary>
        public static double BusyPercent(CpuTimes earlier, CpuTimes later)
        {
            var total = later.Total - earlier.Total;
            var idle = later.Idle - earlier.Idle;
            return total <= 0 ? 0 : Math.Clamp((double)(total - idle) / total * 100, 0, 100);
        }
    }

    /// <summary>
    /// Counts <c>processor</c> entries as logical CPUs and distinct (<c>physical id</c>, <c>core id</c>) pairs as
    /// physical cores (all logical CPUs when the file has no core ids, as on many ARM boards). The model is
    /// <c>model name</c> (x86) or <c>Model</c> (ARM); the clock is the first <c>bogomips</c> value, any case.
    /// </summary>
    public static CpuInfo ParseCpuInfo(string text)
    {
        var processors = 0;
        var cores = new HashSet<(string, string)>();
        string? model = null;
        string? armModel = null;
        float bogoMips = 0;
        var physicalId = "0";
        foreach (var (key, value) in KeyValueLines(text, ':'))
        {
            switch (key.ToLowerInvariant())
            {
                case "processor":
                    processors++;
                    physicalId = "0";
                    break;
                case "physical id":
                    physicalId = value;
                    break;
                case "core id":
                    cores.Add((physicalId, value));
                    break;
                case "model name":
                    model ??= value;
                    break;
                case "model" when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _):
                    armModel ??= value;
                    break;
                case "bogomips" when bogoMips == 0:
                    _ = float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out bogoMips);
                    break;
            }
        }

        return new CpuInfo(processors, cores.Count > 0 ? cores.Count : processors, model ?? armModel ?? string.Empty, bogoMips);
    }

    /// <summary>MemTotal, MemFree and MemAvailable in kB (MemAvailable falls back to MemFree on kernels without it).</summary>
    public static MemInfo ParseMemInfo(string text)
    {
        long total = 0, free = 0;
        long? available = null;
        foreach (var (key, value) in KeyValueLines(text, ':'))
        {
            var number = FirstLong(value);
            switch (key)
            {
                case "MemTotal": total = number; break;
                case "MemFree": free = number; break;
                case "MemAvailable": available = number; break;
            }
        }

        return new MemInfo(total, free, available ?? free);
    }

    /// <summary>The aggregate <c>cpu</c> line of /proc/stat (user nice system idle iowait irq softirq steal ...) and the count of per-CPU lines.</summary>
    public static CpuTimes ParseCpuStat(string text)
    {
        long total = 0, idle = 0;
        var cpus = 0;
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || !fields[0].StartsWith("cpu", StringComparison.Ordinal))
            {
                continue;
            }

            if (fields[0] != "cpu")
            {
                cpus++;
                continue;
            }

            // user nice system idle iowait irq softirq steal: guest and guest_nice (fields 9 and 10) are counted in user and nice.
            for (var i = 1; i < fields.Length && i <= 8; i++)
            {
                total += LongAt(fields, i);
            }

            idle = LongAt(fields, 4) + LongAt(fields, 5);
        }

        return new CpuTimes(total, idle, cpus);
    }

    /// <summary>
    /// The CPU time a cgroup used, in nanoseconds: <c>usage_usec</c> of cgroup v2's <c>cpu.stat</c> when present, else
    /// cgroup v1's <c>cpuacct.usage</c> (already in nanoseconds); 0 when neither reads.
    /// </summary>
    public static long ParseCgroupCpuNanoseconds(string cpuStat, string cpuacctUsage)
    {
        foreach (var line in cpuStat.Split('\n'))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && fields[0] == "usage_usec")
            {
                return LongAt(fields, 1) * 1000;
            }
        }

        return long.TryParse(cpuacctUsage.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var nanoseconds) ? nanoseconds : 0;
    }

    /// <summary>The first three fields of /proc/loadavg.</summary>
    public static LoadAverages ParseLoadAvg(string text)
    {
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return new LoadAverages(DoubleAt(fields, 0), DoubleAt(fields, 1), DoubleAt(fields, 2));
    }

    /// <summary>Sums receive and transmit bytes, packets and errors over every interface but <c>lo</c>.</summary>
    public static NetTotals ParseNetDev(string text)
    {
        long rxBytes = 0, rxPackets = 0, rxErrors = 0, txBytes = 0, txPackets = 0, txErrors = 0;
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var fields = line[(colon + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (name == "lo" || fields.Length < 11)
            {
                continue;
            }

            rxBytes += LongAt(fields, 0);
            rxPackets += LongAt(fields, 1);
            rxErrors += LongAt(fields, 2);
            txBytes += LongAt(fields, 8);
            txPackets += LongAt(fields, 9);
            txErrors += LongAt(fields, 10);
        }

        return new NetTotals(rxBytes, rxPackets, rxErrors, txBytes, txPackets, txErrors);
    }

    /// <summary>
    /// Sums reads completed (field 4) and writes completed (field 8) over whole disks only: loop, ram, zram,
    /// device-mapper and md devices are skipped, and so is any device whose name extends another listed device's
    /// name (sda1 after sda, nvme0n1p1 after nvme0n1), so no I/O is counted twice.
    /// </summary>
    public static DiskTotals ParseDiskStats(string text)
    {
        var devices = new List<(string Name, long Reads, long Writes)>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8)
            {
                continue;
            }

            var name = fields[2];
            if (name.StartsWith("loop", StringComparison.Ordinal) || name.StartsWith("ram", StringComparison.Ordinal)
                || name.StartsWith("zram", StringComparison.Ordinal) || name.StartsWith("dm-", StringComparison.Ordinal)
                || name.StartsWith("md", StringComparison.Ordinal))
            {
                continue;
            }

            devices.Add((name, LongAt(fields, 3), LongAt(fields, 7)));
        }

        long reads = 0, writes = 0;
        foreach (var device in devices)
        {
            var isPartition = devices.Any(other => other.Name.Length < device.Name.Length && device.Name.StartsWith(other.Name, StringComparison.Ordinal));
            if (!isPartition)
            {
                reads += device.Reads;
                writes += device.Writes;
            }
        }

        return new DiskTotals(reads, writes);
    }

    private static IEnumerable<(string Key, string Value)> KeyValueLines(string text, char separator)
    {
        foreach (var line in text.Split('\n'))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0)
            {
                yield return (line[..at].Trim(), line[(at + 1)..].Trim());
            }
        }
    }

    private static long FirstLong(string value)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var number = space < 0 ? value : value[..space];
        return long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result) ? result : 0;
    }

    private static long LongAt(string[] fields, int index) =>
        index < fields.Length && long.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static double DoubleAt(string[] fields, int index) =>
        index < fields.Length && double.TryParse(fields[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
