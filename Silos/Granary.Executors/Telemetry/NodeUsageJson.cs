using System.Text.Json;
using System.Text.Json.Nodes;
using Granary.Grains.Nodes;

namespace Granary.Executors.Telemetry;

/// <summary>
/// The node's latest usage sample as JSON in the shape of the Glances REST API (version 4) that FRACTAL's edge
/// controller reads: <c>/api/4/quicklook</c> (<c>cpu</c>, <c>mem</c>, <c>load</c> in percent, <c>cpucore</c>),
/// <c>/api/4/cpu</c> (<c>total</c>, <c>cpucore</c>), <c>/api/4/mem</c> (<c>total</c>, <c>available</c>, <c>used</c>,
/// <c>free</c> in bytes and <c>percent</c>), <c>/api/4/load</c> (<c>min1</c>, <c>min5</c>, <c>min15</c>,
/// <c>cpucore</c>), <c>/api/4/fs</c> (one entry for the node's file system: <c>mnt_point</c>, <c>size</c>,
/// <c>used</c>, <c>free</c>, <c>percent</c>), and <c>/api/4/all</c> with each of those under its plugin name.
/// Only these fields are served; Glances has many more.
/// </summary>
public static class NodeUsageJson
{
    /// <summary>The path prefix of the API.</summary>
    public const string Prefix = "/api/4/";

    /// <summary>The plugins served, by name.</summary>
    public static IReadOnlyList<string> Plugins { get; } = ["quicklook", "cpu", "mem", "load", "fs", "all"];

    /// <summary>The JSON of <paramref name="plugin"/> for <paramref name="usage"/>; null for a plugin not served.</summary>
    public static string? Render(string plugin, NodeUsage usage, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(usage);
        JsonNode? node = plugin switch
        {
            "all" => new JsonObject
            {
                ["quicklook"] = QuickLook(usage),
                ["cpu"] = Cpu(usage),
                ["mem"] = Memory(usage),
                ["load"] = Load(usage),
                ["fs"] = FileSystems(usage, mountPoint),
            },
            "quicklook" => QuickLook(usage),
            "cpu" => Cpu(usage),
            "mem" => Memory(usage),
            "load" => Load(usage),
            "fs" => FileSystems(usage, mountPoint),
            _ => null,
        };
        return node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static JsonObject QuickLook(NodeUsage u) => new()
    {
        ["cpu"] = Round(u.CpuPercent),
        ["mem"] = Round(u.MemoryPercent),
        ["load"] = Round(u.LoadPercent),
        ["cpucore"] = u.CpuCores,
    };

    private static JsonObject Cpu(NodeUsage u) => new()
    {
        ["total"] = Round(u.CpuPercent),
        ["cpucore"] = u.CpuCores,
    };

    private static JsonObject Memory(NodeUsage u) => new()
    {
        ["total"] = u.MemTotalBytes,
        ["available"] = u.MemAvailableBytes,
        ["used"] = Math.Max(0, u.MemTotalBytes - u.MemAvailableBytes),
        ["free"] = u.MemAvailableBytes,
        ["percent"] = Round(u.MemoryPercent),
    };

    private static JsonObject Load(NodeUsage u) => new()
    {
        ["min1"] = u.Load1,
        ["min5"] = u.Load5,
        ["min15"] = u.Load15,
        ["cpucore"] = u.CpuCores,
    };

    private static JsonArray FileSystems(NodeUsage u, string mountPoint) =>
    [
        new JsonObject
        {
            ["mnt_point"] = mountPoint,
            ["size"] = u.DiskTotalBytes,
            ["used"] = Math.Max(0, u.DiskTotalBytes - u.DiskFreeBytes),
            ["free"] = u.DiskFreeBytes,
            ["percent"] = Round(u.DiskPercent),
        },
    ];

    private static double Round(double value) => Math.Round(value, 1);
}
