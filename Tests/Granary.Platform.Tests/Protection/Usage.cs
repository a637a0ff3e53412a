using Granary.Grains.Nodes;

namespace Granary.Platform.Tests.Protection;

/// <summary>Usage samples with chosen percentages, as an injected probe or a test hands them to protection.</summary>
internal static class Usage
{
    /// <summary>A sample taken at <paramref name="at"/> with the given use of each resource, in percent.</summary>
    public static NodeUsage Of(DateTimeOffset at, double cpu = 10, double memory = 10, double disk = 10, double load = 10) => new()
    {
        At = at,
        CpuPercent = cpu,
        CpuCores = 4,
        MemTotalBytes = 1_000_000,
        MemAvailableBytes = (long)Math.Round(1_000_000 * (1 - memory / 100)),
        DiskTotalBytes = 1_000_000,
        DiskFreeBytes = (long)Math.Round(1_000_000 * (1 - disk / 100)),
        Load1 = load / 100 * 4,
    };
}
