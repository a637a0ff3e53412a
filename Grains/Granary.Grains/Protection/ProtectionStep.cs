using Granary.Grains.Nodes;

namespace Granary.Grains.Protection;

/// <summary>What the domain must do after one sample of a node (see <see cref="NodeProtection.Observe"/>).</summary>
/// <param name="State">The node's state after the sample.</param>
/// <param name="Transition">The change the sample made, if any.</param>
/// <param name="Metric">The resource that decided: the most exceeded one when a threshold is breached, else the one closest to its threshold.</param>
/// <param name="Value">That resource's use in the sample, in percent.</param>
/// <param name="Level">The threshold it exceeded, or the release level for a restore.</param>
/// <param name="Shed">True when the node is tainted and not yet below the release level: shed one instance now.</param>
public readonly record struct ProtectionStep(NodeProtectionState State, ProtectionTransition Transition, ProtectedResource Metric, double Value, double Level, bool Shed);
