using Granary.Grains.Nodes;
using Granary.Grains.Tests.Support;

namespace Granary.Grains.Tests.Nodes;

/// <summary>Protection's usage samples: /proc/stat parsing, the percentages compared with thresholds, and the probe.</summary>
public sealed class NodeUsageTests : IDisposable
{
    private const string StatBefore = """
        cpu  100 0 50 800 50 0 0 0 0 0
        cpu0 50 0 25 400 25 0 0 0 0 0
        cpu1 50 0 25 400 25 0 0 0 0 0
        intr 12345
        ctxt 678
        """;

    // 200 ticks later: 150 busy (user 120, system 30), 50 idle (idle 40, iowait 10).
    private const string StatAfter = """
        cpu  220 0 80 840 60 0 0 0 5 0
        cpu0 110 0 40 420 30 0 0 0 5 0
        cpu1 110 0 40 420 30 0 0 0 0 0
        """;

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Proc_stat_gives_total_and_idle_ticks_and_the_cpu_count()
    {
        var times = ProcParsers.ParseCpuStat(StatBefore);

        Assert.Equal(new ProcParsers.CpuTimes(Total: 1000, Idle: 850, Cpus: 2), times);
    }

    [Fact]
    public void Busy_percent_is_the_busy_share_of_the_ticks_between_two_readings()
    {
        var busy = ProcParsers.CpuTimes.BusyPercent(ProcParsers.ParseCpuStat(StatBefore), ProcParsers.ParseCpuStat(StatAfter));

        Assert.Equal(75, busy, precision: 6);
        Assert.Equal(0, ProcParsers.CpuTimes.BusyPercent(ProcParsers.ParseCpuStat(StatAfter), ProcParsers.ParseCpuStat(StatAfter)));
    }

    [Fact]
    public void Percentages_derive_from_totals_and_load_counts_per_logical_cpu()
    {
        var usage = new NodeUsage
        {
            CpuPercent = 42,
            CpuCores = 4,
            MemTotalBytes = 8_000,
            MemAvailableBytes = 2_000,
            DiskTotalBytes = 1_000,
            DiskFreeBytes = 900,
            Load1 = 6,
        };

        Assert.Equal(42, usage.PercentOf(ProtectedResource.Cpu));
        Assert.Equal(75, usage.PercentOf(ProtectedResource.Memory));
        Assert.Equal(10, usage.PercentOf(ProtectedResource.Disk), precision: 6);
        Assert.Equal(150, usage.PercentOf(ProtectedResource.Load));
        Assert.Equal(0, new NodeUsage().MemoryPercent);
    }

    [Fact]
    public void The_probe_measures_cpu_between_its_samples_from_proc()
    {
        var proc = Path.Combine(_workspace.Root, "proc");
        _workspace.Write("proc/stat", StatBefore);
        _workspace.Write("proc/meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 400 kB\n");
        _workspace.Write("proc/loadavg", "1.50 1.00 0.50 2/100 1234\n");
        var probe = new NodeUsageProbe(new NodeProbePaths { ProcRoot = proc, DiskPath = _workspace.Root });
        probe.Sample();
        _workspace.Write("proc/stat", StatAfter);

        var usage = probe.Sample();

        Assert.Equal(75, usage.CpuPercent, precision: 6);
        Assert.Equal(2, usage.CpuCores);
        Assert.Equal(60, usage.MemoryPercent, precision: 6);
        Assert.Equal(75, usage.LoadPercent, precision: 6);
        Assert.Equal((1.5, 1.0, 0.5), (usage.Load1, usage.Load5, usage.Load15));
        Assert.True(usage.DiskTotalBytes > 0);
    }

    [Fact]
    public void The_probe_of_this_machine_is_plausible()
    {
        var probe = new NodeUsageProbe();
        probe.Sample();

        var usage = probe.Sample();

        Assert.InRange(usage.CpuPercent, 0, 100);
        Assert.InRange(usage.MemoryPercent, 0.001, 100);
        Assert.InRange(usage.DiskPercent, 0.001, 100);
        Assert.True(usage.CpuCores >= 1);
    }

    [Fact]
    public void Cgroup_cpu_time_reads_v2_usage_usec_before_v1_cpuacct_usage()
    {
        Assert.Equal(5_000_000, ProcParsers.ParseCgroupCpuNanoseconds("usage_usec 5000\nuser_usec 4000\nsystem_usec 1000\n", "123"));
        Assert.Equal(123, ProcParsers.ParseCgroupCpuNanoseconds(string.Empty, "123\n"));
        Assert.Equal(0, ProcParsers.ParseCgroupCpuNanoseconds(string.Empty, string.Empty));
    }

    [Fact]
    public void With_a_cgroup_the_probe_measures_the_cgroups_cpu_time_over_the_time_that_passed()
    {
        var proc = Path.Combine(_workspace.Root, "proc");
        _workspace.Write("proc/stat", StatBefore);
        var cgroup = Path.Combine(_workspace.Root, "cgroup");
        _workspace.Write("cgroup/cpu.stat", "usage_usec 1000000\n");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var probe = new NodeUsageProbe(new NodeProbePaths { ProcRoot = proc, DiskPath = _workspace.Root, CpuCgroup = cgroup }, time);

        var first = probe.Sample();
        time.Advance(TimeSpan.FromSeconds(2));
        _workspace.Write("cgroup/cpu.stat", "usage_usec 2000000\n");
        var second = probe.Sample();

        // One CPU-second in two seconds on two logical CPUs: a quarter of the machine.
        Assert.Equal(0, first.CpuPercent);
        Assert.Equal(25, second.CpuPercent, precision: 6);
    }
}
