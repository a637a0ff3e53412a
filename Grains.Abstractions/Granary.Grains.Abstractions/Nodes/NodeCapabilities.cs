using System.Text.Json.Serialization;

namespace Granary.Grains.Nodes;

/// <summary>
/// What a node offers, in the EDGELESS units and JSON field names (mirrored to Redis as
/// <c>nodes:capabilities:NODE</c>). Reported at registration; placement reads <see cref="Labels"/>,
/// <see cref="Runtimes"/>, <see cref="IsTeeRunning"/> and <see cref="HasTpm"/>, weighted strategies read the CPU figures.
/// </summary>
[GenerateSerializer]
public sealed record NodeCapabilities
{
    /// <summary>Logical CPUs usable by the node (<c>num_cpus</c>).</summary>
    [Id(0)]
    [JsonPropertyName("num_cpus")]
    public int NumCpus { get; init; }

    /// <summary>CPU model name (<c>model_name_cpu</c>); empty when unknown.</summary>
    [Id(1)]
    [JsonPropertyName("model_name_cpu")]
    public string ModelNameCpu { get; init; } = string.Empty;

    /// <summary>CPU clock in BogoMIPS, as EDGELESS reports it (<c>clock_freq_cpu</c>); 0 when unknown.</summary>
    [Id(2)]
    [JsonPropertyName("clock_freq_cpu")]
    public float ClockFreqCpu { get; init; }

    /// <summary>Physical cores (<c>num_cores</c>).</summary>
    [Id(3)]
    [JsonPropertyName("num_cores")]
    public int NumCores { get; init; }

    /// <summary>Memory available to applications, in MiB (<c>mem_size</c>).</summary>
    [Id(4)]
    [JsonPropertyName("mem_size")]
    public long MemSize { get; init; }

    /// <summary>Labels matched by <c>label_match_all</c>, conventionally <c>key=value</c> such as <c>hostname=foo</c> (<c>labels</c>).</summary>
    [Id(5)]
    [JsonPropertyName("labels")]
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>True when the node runs inside a trusted execution environment (<c>is_tee_running</c>).</summary>
    [Id(6)]
    [JsonPropertyName("is_tee_running")]
    public bool IsTeeRunning { get; init; }

    /// <summary>True when the node has a TPM (<c>has_tpm</c>).</summary>
    [Id(7)]
    [JsonPropertyName("has_tpm")]
    public bool HasTpm { get; init; }

    /// <summary>Function run-times offered, as wire names (<c>RUST_WASM</c>, <c>CONTAINER</c>, <c>DOTNET</c>) (<c>runtimes</c>).</summary>
    [Id(8)]
    [JsonPropertyName("runtimes")]
    public IReadOnlyList<string> Runtimes { get; init; } = [];

    /// <summary>Total disk space of the node's root file system, in MiB (<c>disk_tot_space</c>).</summary>
    [Id(9)]
    [JsonPropertyName("disk_tot_space")]
    public long DiskTotSpace { get; init; }

    /// <summary>GPUs (<c>num_gpus</c>).</summary>
    [Id(10)]
    [JsonPropertyName("num_gpus")]
    public int NumGpus { get; init; }

    /// <summary>GPU model name (<c>model_name_gpu</c>); empty when there is none.</summary>
    [Id(11)]
    [JsonPropertyName("model_name_gpu")]
    public string ModelNameGpu { get; init; } = string.Empty;

    /// <summary>GPU memory, in MiB (<c>mem_size_gpu</c>).</summary>
    [Id(12)]
    [JsonPropertyName("mem_size_gpu")]
    public long MemSizeGpu { get; init; }
}
