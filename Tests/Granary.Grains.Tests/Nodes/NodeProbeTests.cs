using Granary.Grains.Nodes;
using Granary.Grains.Tests.Support;

namespace Granary.Grains.Tests.Nodes;

public sealed class NodeProbeTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private NodeProbePaths Missing() => new()
    {
        ProcRoot = Path.Combine(_workspace.Root, "no-proc"),
        DevRoot = Path.Combine(_workspace.Root, "no-dev"),
        DiskPath = _workspace.Root,
    };

    [Fact]
    public void Capabilities_of_this_machine_are_plausible()
    {
        var capabilities = new NodeCapabilitiesProbe().Detect();

        Assert.True(capabilities.NumCpus >= 1);
        Assert.InRange(capabilities.NumCores, 1, capabilities.NumCpus);
        Assert.True(capabilities.MemSize > 0);
        Assert.True(capabilities.DiskTotSpace > 0);
        Assert.Empty(capabilities.Runtimes);
    }

    [Fact]
    public void Health_of_this_machine_is_plausible()
    {
        var health = new NodeHealthProbe().Sample();

        Assert.True(health.MemAvailable > 0);
        Assert.True(health.MemUsed > 0);
        Assert.True(health.LoadAvg1 >= 0 && health.LoadAvg5 >= 0 && health.LoadAvg15 >= 0);
        Assert.True(health.ProcMemory > 0);
        Assert.True(health.ProcVmemory >= health.ProcMemory);
        Assert.True(health.ProcCpuUsage >= 0);
        Assert.True(health.DiskFreeSpace > 0);
    }

    [Fact]
    public void Capabilities_are_zero_but_usable_when_proc_is_missing()
    {
        var capabilities = new NodeCapabilitiesProbe(Missing()).Detect();

        Assert.Equal(Environment.ProcessorCount, capabilities.NumCpus);
        Assert.Equal(0, capabilities.MemSize);
        Assert.Equal(string.Empty, capabilities.ModelNameCpu);
        Assert.False(capabilities.HasTpm);
    }

    [Fact]
    public void Health_is_zero_when_proc_is_missing()
    {
        var health = new NodeHealthProbe(Missing()).Sample();

        Assert.Equal(0, health.MemAvailable);
        Assert.Equal(0, health.LoadAvg1);
        Assert.Equal(0, health.TotRxBytes);
        Assert.Equal(0, health.DiskTotReads);
    }

    [Fact]
    public void Probes_read_fixture_files_under_the_configured_proc_root()
    {
        _workspace.Write("proc/meminfo", "MemTotal: 2097152 kB\nMemFree: 1000 kB\nMemAvailable: 1048576 kB\n");
        _workspace.Write("proc/loadavg", "1.50 0.25 0.00 1/100 42\n");
        _workspace.Write("proc/cpuinfo", "processor : 0\nmodel name : Fixture CPU\nbogomips : 100.5\n");
        _workspace.Write("dev/tpm0", string.Empty);
        var paths = new NodeProbePaths { ProcRoot = Path.Combine(_workspace.Root, "proc"), DevRoot = Path.Combine(_workspace.Root, "dev"), DiskPath = _workspace.Root };

        var capabilities = new NodeCapabilitiesProbe(paths).Detect();
        var health = new NodeHealthProbe(paths).Sample();

        Assert.Equal(2048, capabilities.MemSize);
        Assert.Equal("Fixture CPU", capabilities.ModelNameCpu);
        Assert.Equal(1, capabilities.NumCpus);
        Assert.True(capabilities.HasTpm);
        Assert.False(capabilities.IsTeeRunning);
        Assert.Equal(150, health.LoadAvg1);
        Assert.Equal(25, health.LoadAvg5);
        Assert.Equal(1048576, health.MemUsed);
    }

    [Fact]
    public void Every_capability_can_be_overridden()
    {
        var overrides = new NodeCapabilitiesOverrides
        {
            NumCpus = 64,
            ModelNameCpu = "Configured",
            ClockFreqCpu = 1234.5f,
            NumCores = 32,
            MemSize = 1 << 20,
            Labels = ["hostname=foo", "zone=eu"],
            IsTeeRunning = true,
            HasTpm = true,
            Runtimes = ["RUST_WASM", "DOTNET"],
            DiskTotSpace = 999,
            NumGpus = 2,
            ModelNameGpu = "GPU",
            MemSizeGpu = 8192,
        };

        var c = new NodeCapabilitiesProbe(Missing()).Detect(overrides);

        Assert.Equal(
            new object[] { 64, "Configured", 1234.5f, 32, 1L << 20, true, true, 999L, 2, "GPU", 8192L },
            new object[] { c.NumCpus, c.ModelNameCpu, c.ClockFreqCpu, c.NumCores, c.MemSize, c.IsTeeRunning, c.HasTpm, c.DiskTotSpace, c.NumGpus, c.ModelNameGpu, c.MemSizeGpu });
        Assert.Equal(["hostname=foo", "zone=eu"], c.Labels);
        Assert.Equal(["RUST_WASM", "DOTNET"], c.Runtimes);
    }

    [Fact]
    public void Unset_overrides_keep_detected_values()
    {
        var detected = new NodeCapabilities { NumCpus = 4, Labels = ["a"] };

        var result = new NodeCapabilitiesOverrides { HasTpm = true }.ApplyTo(detected);

        Assert.Equal(4, result.NumCpus);
        Assert.Equal(["a"], result.Labels);
        Assert.True(result.HasTpm);
    }

    [Fact]
    public void Process_cpu_usage_is_measured_between_samples()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var probe = new NodeHealthProbe(Missing(), time);
        probe.Sample();
        var cpuBefore = CpuTime();
        var giveUp = DateTime.UtcNow.AddSeconds(20);
        while (CpuTime() - cpuBefore < TimeSpan.FromMilliseconds(250) && DateTime.UtcNow < giveUp)
        {
            Thread.SpinWait(10_000);
        }

        time.Now += TimeSpan.FromSeconds(1);

        var health = probe.Sample();

        // At least 250 ms of CPU in one (fake) second is at least 25 % of a core.
        Assert.InRange(health.ProcCpuUsage, 25, 100 * Environment.ProcessorCount);
    }

    private static TimeSpan CpuTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
