using System.Text.Json.Serialization;

namespace Granary.Grains.Nodes;

/// <summary>A resource whose use a domain's protection watches on every node (see <see cref="NodeUsage"/>); JSON names it (<c>"Cpu"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProtectedResource>))]
public enum ProtectedResource
{
    /// <summary>Machine-wide CPU busy time, percent of all logical CPUs.</summary>
    Cpu,

    /// <summary>Memory in use, percent of the total.</summary>
    Memory,

    /// <summary>Space in use on the node's file system, percent of its size.</summary>
    Disk,

    /// <summary>One-minute load average per logical CPU, in percent.</summary>
    Load,
}
