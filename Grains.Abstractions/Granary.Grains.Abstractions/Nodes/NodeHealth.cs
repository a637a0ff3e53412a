using System.Text.Json.Serialization;

namespace Granary.Grains.Nodes;

/// <summary>
/// A node's health sample, sent with each registration refresh, in the EDGELESS units and JSON field names
/// (mirrored to Redis as <c>node:health:NODE</c>). Counters (network, disk) are totals since boot, not rates.
/// </summary>
[GenerateSerializer]
public sealed record NodeHealth
{
    /// <summary>Free memory in kB (<c>mem_free</c>, MemFree).</summary>
    [Id(0)]
    [JsonPropertyName("mem_free")]
    public long MemFree { get; init; }

    /// <summary>Used memory in kB: total minus available (<c>mem_used</c>).</summary>
    [Id(1)]
    [JsonPropertyName("mem_used")]
    public long MemUsed { get; init; }

    /// <summary>Memory available for new work in kB (<c>mem_available</c>, MemAvailable).</summary>
    [Id(2)]
    [JsonPropertyName("mem_available")]
    public long MemAvailable { get; init; }

    /// <summary>CPU used by the node process since the previous sample, in percent of one core (<c>proc_cpu_usage</c>).</summary>
    [Id(3)]
    [JsonPropertyName("proc_cpu_usage")]
    public int ProcCpuUsage { get; init; }

    /// <summary>Resident memory of the node process in kB (<c>proc_memory</c>).</summary>
    [Id(4)]
    [JsonPropertyName("proc_memory")]
    public long ProcMemory { get; init; }

    /// <summary>Virtual memory of the node process in kB (<c>proc_vmemory</c>).</summary>
    [Id(5)]
    [JsonPropertyName("proc_vmemory")]
    public long ProcVmemory { get; init; }

    /// <summary>One-minute load average times 100, rounded (<c>load_avg_1</c>): 1.5 is reported as 150.</summary>
    [Id(6)]
    [JsonPropertyName("load_avg_1")]
    public int LoadAvg1 { get; init; }

    /// <summary>Five-minute load average times 100, rounded (<c>load_avg_5</c>).</summary>
    [Id(7)]
    [JsonPropertyName("load_avg_5")]
    public int LoadAvg5 { get; init; }

    /// <summary>Fifteen-minute load average times 100, rounded (<c>load_avg_15</c>).</summary>
    [Id(8)]
    [JsonPropertyName("load_avg_15")]
    public int LoadAvg15 { get; init; }

    /// <summary>Bytes received on all interfaces but loopback (<c>tot_rx_bytes</c>).</summary>
    [Id(9)]
    [JsonPropertyName("tot_rx_bytes")]
    public long TotRxBytes { get; init; }

    /// <summary>Packets received on all interfaces but loopback (<c>tot_rx_pkts</c>).</summary>
    [Id(10)]
    [JsonPropertyName("tot_rx_pkts")]
    public long TotRxPkts { get; init; }

    /// <summary>Receive errors on all interfaces but loopback (<c>tot_rx_errs</c>).</summary>
    [Id(11)]
    [JsonPropertyName("tot_rx_errs")]
    public long TotRxErrs { get; init; }

    /// <summary>Bytes sent on all interfaces but loopback (<c>tot_tx_bytes</c>).</summary>
    [Id(12)]
    [JsonPropertyName("tot_tx_bytes")]
    public long TotTxBytes { get; init; }

    /// <summary>Packets sent on all interfaces but loopback (<c>tot_tx_pkts</c>).</summary>
    [Id(13)]
    [JsonPropertyName("tot_tx_pkts")]
    public long TotTxPkts { get; init; }

    /// <summary>Send errors on all interfaces but loopback (<c>tot_tx_errs</c>).</summary>
    [Id(14)]
    [JsonPropertyName("tot_tx_errs")]
    public long TotTxErrs { get; init; }

    /// <summary>Bytes free for unprivileged users on the root file system (<c>disk_free_space</c>).</summary>
    [Id(15)]
    [JsonPropertyName("disk_free_space")]
    public long DiskFreeSpace { get; init; }

    /// <summary>Reads completed on whole disks (partitions and virtual devices not counted twice) (<c>disk_tot_reads</c>).</summary>
    [Id(16)]
    [JsonPropertyName("disk_tot_reads")]
    public long DiskTotReads { get; init; }

    /// <summary>Writes completed on whole disks (<c>disk_tot_writes</c>).</summary>
    [Id(17)]
    [JsonPropertyName("disk_tot_writes")]
    public long DiskTotWrites { get; init; }

    /// <summary>GPU load in percent (<c>gpu_load_perc</c>); 0 when there is no GPU or it is not measured.</summary>
    [Id(18)]
    [JsonPropertyName("gpu_load_perc")]
    public int GpuLoadPerc { get; init; }

    /// <summary>GPU temperature in thousandths of a degree Celsius, as EDGELESS reports it (<c>gpu_temp_cels</c>); 0 when unknown.</summary>
    [Id(19)]
    [JsonPropertyName("gpu_temp_cels")]
    public int GpuTempCels { get; init; }

    /// <summary>Power drawn by the node in watts (<c>active_power</c>); 0 when not measured.</summary>
    [Id(20)]
    [JsonPropertyName("active_power")]
    public int ActivePower { get; init; }
}
