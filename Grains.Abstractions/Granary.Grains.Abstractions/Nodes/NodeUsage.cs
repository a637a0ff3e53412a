using System.Text.Json.Serialization;

namespace Granary.Grains.Nodes;

/// <summary>
/// How much of a node is in use at one moment: what its protection sampler measures every
/// <c>Granary:Protection:SampleInterval</c>, sends with the next refresh and serves as JSON on the metrics port. The
/// percentages the domain compares with its thresholds are derived: <see cref="MemoryPercent"/>,
/// <see cref="DiskPercent"/> and <see cref="LoadPercent"/> (the one-minute load per logical CPU).
/// </summary>
[GenerateSerializer]
public sealed record NodeUsage
{
    /// <summary>When the sample was taken, by the node's clock.</summary>
    [Id(0)]
    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }

    /// <summary>CPU busy on the whole machine since the previous sample, in percent of all its logical CPUs.</summary>
    [Id(1)]
    [JsonPropertyName("cpu_percent")]
    public double CpuPercent { get; init; }

    /// <summary>Logical CPUs of the machine.</summary>
    [Id(2)]
    [JsonPropertyName("cpu_cores")]
    public int CpuCores { get; init; }

    /// <summary>Memory of the machine in bytes (MemTotal).</summary>
    [Id(3)]
    [JsonPropertyName("mem_total")]
    public long MemTotalBytes { get; init; }

    /// <summary>Memory available for new work in bytes (MemAvailable).</summary>
    [Id(4)]
    [JsonPropertyName("mem_available")]
    public long MemAvailableBytes { get; init; }

    /// <summary>Size of the node's file system in bytes.</summary>
    [Id(5)]
    [JsonPropertyName("disk_total")]
    public long DiskTotalBytes { get; init; }

    /// <summary>Bytes of the node's file system available to unprivileged users.</summary>
    [Id(6)]
    [JsonPropertyName("disk_free")]
    public long DiskFreeBytes { get; init; }

    /// <summary>One-minute load average.</summary>
    [Id(7)]
    [JsonPropertyName("load_1")]
    public double Load1 { get; init; }

    /// <summary>Five-minute load average.</summary>
    [Id(8)]
    [JsonPropertyName("load_5")]
    public double Load5 { get; init; }

    /// <summary>Fifteen-minute load average.</summary>
    [Id(9)]
    [JsonPropertyName("load_15")]
    public double Load15 { get; init; }

    /// <summary>Memory in use (total minus available) in percent of the total; 0 when the total is unknown.</summary>
    [JsonPropertyName("mem_percent")]
    public double MemoryPercent => Percent(MemTotalBytes - MemAvailableBytes, MemTotalBytes);

    /// <summary>File system space in use (total minus available) in percent of the total; 0 when the total is unknown.</summary>
    [JsonPropertyName("disk_percent")]
    public double DiskPercent => Percent(DiskTotalBytes - DiskFreeBytes, DiskTotalBytes);

    /// <summary>The one-minute load average per logical CPU, in percent (a load of 2 on 2 CPUs is 100).</summary>
    [JsonPropertyName("load_percent")]
    public double LoadPercent => CpuCores > 0 ? Load1 / CpuCores * 100 : 0;

    /// <summary>The percentage of <paramref name="resource"/> in use.</summary>
    public double PercentOf(ProtectedResource resource) => resource switch
    {
        ProtectedResource.Cpu => CpuPercent,
        ProtectedResource.Memory => MemoryPercent,
        ProtectedResource.Disk => DiskPercent,
        ProtectedResource.Load => LoadPercent,
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    private static double Percent(long used, long total) => total > 0 ? Math.Clamp((double)Math.Max(0, used) / total * 100, 0, 100) : 0;
}
