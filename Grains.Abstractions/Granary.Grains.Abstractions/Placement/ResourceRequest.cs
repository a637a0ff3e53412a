using System.Globalization;

namespace Granary.Grains.Placement;

/// <summary>
/// What one instance of a function asks of its node (annotations <c>cpu</c>, <c>memory</c>, <c>disk</c>), or, summed, what
/// a node has given to the instances placed on it. A node's capacity is its <c>num_cpus</c> (cores), <c>mem_size</c>
/// and <c>disk_tot_space</c> (MiB).
/// </summary>
/// <param name="CpuMillicores">CPU in thousandths of a core (500 = half a core).</param>
/// <param name="MemoryMib">Memory in MiB.</param>
/// <param name="DiskMib">Disk in MiB.</param>
[GenerateSerializer]
[Immutable]
public readonly record struct ResourceRequest(
    [property: Id(0)] long CpuMillicores,
    [property: Id(1)] long MemoryMib,
    [property: Id(2)] long DiskMib)
{
    /// <summary>Nothing requested.</summary>
    public static ResourceRequest None => default;

    /// <summary>True when no resource is requested.</summary>
    public bool IsNone => CpuMillicores == 0 && MemoryMib == 0 && DiskMib == 0;

    public static ResourceRequest operator +(ResourceRequest a, ResourceRequest b) =>
        new(a.CpuMillicores + b.CpuMillicores, a.MemoryMib + b.MemoryMib, a.DiskMib + b.DiskMib);

    public static ResourceRequest operator -(ResourceRequest a, ResourceRequest b) =>
        new(a.CpuMillicores - b.CpuMillicores, a.MemoryMib - b.MemoryMib, a.DiskMib - b.DiskMib);

    /// <summary>True when every part of this request is within <paramref name="free"/>.</summary>
    public bool FitsIn(ResourceRequest free) => CpuMillicores <= free.CpuMillicores && MemoryMib <= free.MemoryMib && DiskMib <= free.DiskMib;

    /// <summary>For people: <c>cpu 0.5, memory 256 MiB, disk 0 MiB</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"cpu {CpuMillicores / 1000.0:0.###}, memory {MemoryMib} MiB, disk {DiskMib} MiB");
}
