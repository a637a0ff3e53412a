namespace Granary.Grains.Nodes;

/// <summary>
/// Measures a node's <see cref="NodeUsage"/>. A node silo uses <see cref="NodeUsageProbe"/> (Linux /proc) unless
/// another implementation is registered first: tests register one that reports the values they choose.
/// </summary>
public interface INodeUsageProbe
{
    /// <summary>Measures now; CPU use is measured since the previous call.</summary>
    NodeUsage Sample();
}
