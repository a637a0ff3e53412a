using Granary.Grains.Nodes;

namespace Granary.Grains.Protection;

/// <summary>The thresholds one node is held to, in percent, resolved from <see cref="ProtectionOptions"/>.</summary>
/// <param name="Cpu">CPU threshold.</param>
/// <param name="Memory">Memory threshold.</param>
/// <param name="Disk">Disk threshold.</param>
/// <param name="Load">Load threshold.</param>
/// <param name="Release">Level every resource must be below to restore the node.</param>
/// <param name="ConsecutiveSamples">Samples in a row it takes to limit, taint or restore.</param>
/// <param name="Watch">The resources watched; the others are ignored.</param>
public sealed record ProtectionThresholds(double Cpu, double Memory, double Disk, double Load, double Release, int ConsecutiveSamples, WatchedResources Watch = WatchedResources.All)
{
    /// <summary>The resources protection watches, in the order breaches are reported when several have the same excess.</summary>
    public static IReadOnlyList<ProtectedResource> Resources { get; } = [ProtectedResource.Cpu, ProtectedResource.Memory, ProtectedResource.Disk, ProtectedResource.Load];

    /// <summary>The watched resources, in the order of <see cref="Resources"/>.</summary>
    public IEnumerable<ProtectedResource> Watched => Resources.Where(r => Watch.HasFlag(Flag(r)));

    /// <summary>The flag of <paramref name="resource"/>.</summary>
    public static WatchedResources Flag(ProtectedResource resource) => resource switch
    {
        ProtectedResource.Cpu => WatchedResources.Cpu,
        ProtectedResource.Memory => WatchedResources.Memory,
        ProtectedResource.Disk => WatchedResources.Disk,
        ProtectedResource.Load => WatchedResources.Load,
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    /// <summary>The threshold of <paramref name="resource"/>.</summary>
    public double For(ProtectedResource resource) => resource switch
    {
        ProtectedResource.Cpu => Cpu,
        ProtectedResource.Memory => Memory,
        ProtectedResource.Disk => Disk,
        ProtectedResource.Load => Load,
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };
}
