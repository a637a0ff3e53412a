namespace Granary.Grains.Protection;

/// <summary>
/// Configuration of node protection (section <c>Granary:Protection</c>), FRACTAL's edge controller with its fixed
/// 80 % made configurable. Nodes read <see cref="SampleInterval"/>; domains read the rest. A resource whose use
/// exceeds its threshold for <see cref="ConsecutiveSamples"/> samples limits the node; a breach that persists for as
/// many samples more taints it; every resource below <see cref="Release"/> for as many samples restores it. The
/// thresholds of <see cref="Domains"/>[domain id] replace these, and those of <see cref="Labels"/>[label] replace
/// both for nodes with that label (in the order the node lists its labels, the last one winning).
/// </summary>
public sealed class ProtectionOptions
{
    /// <summary>Whether domains act on the samples (nodes sample and serve their usage either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often every node samples its CPU, memory, disk and load; each refresh carries the samples taken since the previous one.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Nodes only: a cgroup directory whose CPU time is the node's CPU use (see <see cref="Nodes.NodeProbePaths.CpuCgroup"/>);
    /// null measures the whole machine.
    /// </summary>
    public string? CpuCgroup { get; set; }

    /// <summary>The resources watched (default all four).</summary>
    public WatchedResources Watch { get; set; } = WatchedResources.All;

    /// <summary>CPU threshold: machine-wide CPU busy time, in percent.</summary>
    public double Cpu { get; set; } = 80;

    /// <summary>Memory threshold: memory in use (total minus available), in percent.</summary>
    public double Memory { get; set; } = 80;

    /// <summary>Disk threshold: space in use on the node's file system, in percent.</summary>
    public double Disk { get; set; } = 80;

    /// <summary>Load threshold: the one-minute load average per logical CPU, in percent.</summary>
    public double Load { get; set; } = 80;

    /// <summary>Release level: a limited or tainted node is restored once every resource stays below it.</summary>
    public double Release { get; set; } = 70;

    /// <summary>Samples in a row it takes to limit, to taint and to restore a node.</summary>
    public int ConsecutiveSamples { get; set; } = 2;

    /// <summary>Share of their usual CPU that container functions keep on a limited or tainted node (their CPU quota is reduced to it).</summary>
    public double LimitedCpuFraction { get; set; } = 0.5;

    /// <summary>Most events per second one WebAssembly or .NET instance handles on a limited or tainted node; the rest wait in its mailbox.</summary>
    public double LimitedEventsPerSecond { get; set; } = 100;

    /// <summary>Thresholds of single domains, by domain id.</summary>
    public Dictionary<string, ProtectionOverrides> Domains { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Thresholds of the nodes with a label, by label (<c>key=value</c>, as the node lists it).</summary>
    public Dictionary<string, ProtectionOverrides> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The thresholds of a node of domain <paramref name="domainId"/> with <paramref name="labels"/>.</summary>
    public ProtectionThresholds Resolve(string domainId, IEnumerable<string> labels)
    {
        var thresholds = new ProtectionThresholds(Cpu, Memory, Disk, Load, Release, ConsecutiveSamples, Watch);
        if (Domains.TryGetValue(domainId, out var domain))
        {
            thresholds = domain.ApplyTo(thresholds);
        }

        foreach (var label in labels)
        {
            if (Labels.TryGetValue(label, out var overrides))
            {
                thresholds = overrides.ApplyTo(thresholds);
            }
        }

        return thresholds;
    }

    /// <summary>What a limited or tainted node's instances run with.</summary>
    public NodeThrottle LimitedThrottle => new() { CpuFraction = LimitedCpuFraction, EventsPerSecond = LimitedEventsPerSecond };
}
