using Granary.Grains.Nodes;

namespace Granary.Grains.Tests.Nodes;

public sealed class ProcParsersTests
{
    // Two sockets, two cores each, hyper-threaded: 8 logical CPUs, 4 physical cores.
    private static string X86CpuInfo()
    {
        var blocks = new List<string>();
        var processor = 0;
        foreach (var socket in new[] { 0, 1 })
        {
            foreach (var core in new[] { 0, 1 })
            {
                foreach (var _ in new[] { 0, 1 })
                {
                    blocks.Add($"processor\t: {processor++}\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Gold 6130\nphysical id\t: {socket}\ncore id\t\t: {core}\nbogomips\t: 4200.00\n");
                }
            }
        }

        return string.Join("\n", blocks);
    }

    private const string ArmCpuInfo = """
        processor	: 0
        BogoMIPS	: 108.00
        Features	: fp asimd evtstrm crc32 cpuid
        CPU implementer	: 0x41

        processor	: 1
        BogoMIPS	: 108.00

        Hardware	: BCM2835
        Model		: Raspberry Pi 4 Model B Rev 1.4
        """;

    [Fact]
    public void Cpuinfo_counts_logical_cpus_and_distinct_physical_cores()
    {
        var cpu = ProcParsers.ParseCpuInfo(X86CpuInfo());

        Assert.Equal(8, cpu.LogicalCpus);
        Assert.Equal(4, cpu.PhysicalCores);
        Assert.Equal("Intel(R) Xeon(R) Gold 6130", cpu.ModelName);
        Assert.Equal(4200f, cpu.BogoMips);
    }

    [Fact]
    public void Cpuinfo_without_core_ids_counts_every_cpu_as_a_core_and_reads_the_arm_model()
    {
        var cpu = ProcParsers.ParseCpuInfo(ArmCpuInfo);

        Assert.Equal(2, cpu.LogicalCpus);
        Assert.Equal(2, cpu.PhysicalCores);
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", cpu.ModelName);
        Assert.Equal(108f, cpu.BogoMips);
    }

    [Fact]
    public void Meminfo_reads_total_free_and_available_in_kb()
    {
        var memory = ProcParsers.ParseMemInfo("MemTotal:        7877132 kB\nMemFree:          407468 kB\nMemAvailable:    1710564 kB\nBuffers:           80648 kB\n");

        Assert.Equal(new ProcParsers.MemInfo(7877132, 407468, 1710564), memory);
    }

    [Fact]
    public void Meminfo_without_memavailable_falls_back_to_memfree()
    {
        var memory = ProcParsers.ParseMemInfo("MemTotal: 1000 kB\nMemFree: 300 kB\n");

        Assert.Equal(300, memory.AvailableKb);
    }

    [Fact]
    public void Loadavg_reads_the_three_averages()
    {
        Assert.Equal(new ProcParsers.LoadAverages(5.93, 6.39, 5.25), ProcParsers.ParseLoadAvg("5.93 6.39 5.25 12/288 4940\n"));
    }

    [Fact]
    public void Net_dev_sums_every_interface_except_loopback()
    {
        const string text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 4232752642 8195140    0    0    0     0          0         0 4232752642 8195140    0    0    0     0       0          0
              eth0: 1000 10 1 0 0 0 0 0 2000 20 2 0 0 0 0 0
             wlan0:  500  5 0 0 0 0 0 0  700  7 1 0 0 0 0 0
            """;

        Assert.Equal(new ProcParsers.NetTotals(1500, 15, 1, 2700, 27, 3), ProcParsers.ParseNetDev(text));
    }

    [Fact]
    public void Diskstats_counts_whole_disks_once_and_skips_partitions_and_virtual_devices()
    {
        const string text = """
               7       0 loop0 99 0 0 0 99 0 0 0 0 0 0 0 0 0 0 0 0
               8       0 sda 100 0 0 0 200 0 0 0 0 0 0 0 0 0 0 0 0
               8       1 sda1 60 0 0 0 150 0 0 0 0 0 0 0 0 0 0 0 0
             259       0 nvme0n1 10 0 0 0 20 0 0 0 0 0 0 0 0 0 0 0 0
             259       1 nvme0n1p1 10 0 0 0 20 0 0 0 0 0 0 0 0 0 0 0 0
             253       0 dm-0 55 0 0 0 55 0 0 0 0 0 0 0 0 0 0 0 0
            """;

        Assert.Equal(new ProcParsers.DiskTotals(110, 220), ProcParsers.ParseDiskStats(text));
    }

    [Fact]
    public void Malformed_text_gives_zeros_not_exceptions()
    {
        Assert.Equal(default, ProcParsers.ParseMemInfo("MemTotal: lots\ngarbage"));
        Assert.Equal(default, ProcParsers.ParseLoadAvg("x"));
        Assert.Equal(default, ProcParsers.ParseNetDev("eth0: 1 2"));
        Assert.Equal(default, ProcParsers.ParseDiskStats("8 0 sda"));
        Assert.Equal(0, ProcParsers.ParseCpuInfo(string.Empty).LogicalCpus);
    }
}
