using System.Text.Json;
using Granary.Grains.Nodes;

namespace Granary.Grains.Tests.Nodes;

public sealed class NodeContractJsonTests
{
    private static IEnumerable<string> Keys(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
    }

    [Fact]
    public void Capabilities_json_has_exactly_the_edgeless_field_names()
    {
        Assert.Equal(
            ["num_cpus", "model_name_cpu", "clock_freq_cpu", "num_cores", "mem_size", "labels", "is_tee_running", "has_tpm", "runtimes", "disk_tot_space", "num_gpus", "model_name_gpu", "mem_size_gpu"],
            Keys(JsonSerializer.Serialize(new NodeCapabilities())));
    }

    [Fact]
    public void Health_json_has_exactly_the_edgeless_field_names()
    {
        Assert.Equal(
            ["mem_free", "mem_used", "mem_available", "proc_cpu_usage", "proc_memory", "proc_vmemory", "load_avg_1", "load_avg_5", "load_avg_15",
             "tot_rx_bytes", "tot_rx_pkts", "tot_rx_errs", "tot_tx_bytes", "tot_tx_pkts", "tot_tx_errs", "disk_free_space", "disk_tot_reads", "disk_tot_writes",
             "gpu_load_perc", "gpu_temp_cels", "active_power"],
            Keys(JsonSerializer.Serialize(new NodeHealth())));
    }

    [Fact]
    public void Capabilities_read_from_edgeless_json()
    {
        const string json = """
            {"num_cpus":4,"model_name_cpu":"ARM","clock_freq_cpu":108.0,"num_cores":4,"mem_size":3794,"labels":["hostname=pi"],
             "is_tee_running":false,"has_tpm":true,"runtimes":["RUST_WASM"],"disk_tot_space":29000,"num_gpus":0,"model_name_gpu":"","mem_size_gpu":0}
            """;

        var capabilities = JsonSerializer.Deserialize<NodeCapabilities>(json)!;

        Assert.Equal(4, capabilities.NumCpus);
        Assert.Equal(3794, capabilities.MemSize);
        Assert.Equal(["hostname=pi"], capabilities.Labels);
        Assert.True(capabilities.HasTpm);
        Assert.Equal(["RUST_WASM"], capabilities.Runtimes);
    }

    [Fact]
    public void Health_round_trips_through_json()
    {
        var health = new NodeHealth { MemFree = 1, LoadAvg15 = 250, TotTxErrs = 7, ActivePower = 12 };

        var again = JsonSerializer.Deserialize<NodeHealth>(JsonSerializer.Serialize(health));

        Assert.Equal(health, again);
    }
}
