namespace Granary.Grains.Nodes;

/// <summary>
/// Where the node probes look. The defaults are the real system; tests and containers with a host /proc mounted
/// elsewhere point them somewhere else.
/// </summary>
public sealed class NodeProbePaths
{
    /// <summary>The proc file system (cpuinfo, meminfo, loadavg, net/dev, diskstats). Default <c>/proc</c>.</summary>
    public string ProcRoot { get; set; } = "/proc";

    /// <summary>The device directory probed for TPM and confidential-computing guest devices. Default <c>/dev</c>.</summary>
    public string DevRoot { get; set; } = "/dev";

    /// <summary>A path on the file system whose size and free space are reported. Default <c>/</c>.</summary>
    public string DiskPath { get; set; } = "/";

    /// <summary>
    /// A cgroup directory whose CPU time is the node's CPU use (cgroup v2 <c>cpu.stat</c> <c>usage_usec</c>, or v1
    /// <c>cpuacct.usage</c>), for a node that shares its machine with other work: the node then measures its slice
    /// rather than the whole machine. Null (the default) measures the whole machine from <c>/proc/stat</c>.
    /// </summary>
    public string? CpuCgroup { get; set; }
}
