using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Granary.Grains.Platform;

namespace Granary.Grains.Nodes;

/// <summary>
/// Places a grain on the silo whose name is the grain's key: a node grain lives on its own node's silo (a node silo's
/// name is its node id). While no active silo has that name, activation fails at once with a
/// <see cref="NodeUnavailableException"/> naming the node; the grain is never activated anywhere else.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed class NodeSiloPlacement : PlacementStrategy
{
    internal static readonly NodeSiloPlacement Instance = new();
}

/// <summary>Marks a grain class whose key names the silo it must live on (see <see cref="NodeSiloPlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodeSiloPlacementAttribute() : PlacementAttribute(NodeSiloPlacement.Instance);

/// <summary>
/// Picks, among the silos that can host the grain, the active one named by the grain's key. A silo that joined a moment
/// ago may not be in this silo's view of the membership yet: the view is refreshed once before giving up.
/// </summary>
internal sealed class NodeSiloPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var node = target.GrainIdentity.Key.ToString()!;
        if (Find(node) is { } silo)
        {
            return silo;
        }

        await membership.Refresh().ConfigureAwait(false);
        return Find(node)
            ?? throw new NodeUnavailableException(node, $"Node {node} has no active silo in the cluster (its silo is gone or has not joined yet; active silos: "
                + string.Join(", ", membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name)) + ").");
    }

    /// <summary>
    /// The node's silo by membership alone: a node silo that just joined hosts node grains before the cluster manifest
    /// of the calling silo says so.
    /// </summary>
    private SiloAddress? Find(string node) =>
        membership.CurrentSnapshot.Members.Values
            .FirstOrDefault(m => m.Status == SiloStatus.Active && string.Equals(m.Name, node, StringComparison.OrdinalIgnoreCase))?.SiloAddress;
}
