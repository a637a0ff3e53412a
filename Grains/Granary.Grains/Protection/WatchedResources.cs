namespace Granary.Grains.Protection;

/// <summary>
/// The resources protection watches on a node (configured as a comma-separated list such as <c>Cpu, Memory</c>). A
/// resource left out can neither limit, taint nor hold back the restore of a node.
/// </summary>
[Flags]
public enum WatchedResources
{
    /// <summary>Nothing: the node is never limited.</summary>
    None = 0,

    /// <summary>CPU busy time.</summary>
    Cpu = 1,

    /// <summary>Memory in use.</summary>
    Memory = 2,

    /// <summary>Disk space in use.</summary>
    Disk = 4,

    /// <summary>Load average per logical CPU.</summary>
    Load = 8,

    /// <summary>CPU, memory, disk and load (the default).</summary>
    All = Cpu | Memory | Disk | Load,
}
