using System.Text.Json.Serialization;

namespace Granary.Grains.Protection;

/// <summary>
/// Where a node stands in its domain's protection (FRACTAL's edge controller): usage above a threshold first limits
/// it, a breach that persists taints it, and usage below the release level restores it. JSON names it (<c>"Tainted"</c>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeProtectionState>))]
public enum NodeProtectionState
{
    /// <summary>Usage within the thresholds: nothing is limited.</summary>
    Normal,

    /// <summary>A threshold was breached: container functions run with a reduced CPU quota, other instances with a cap on events per second. New placements are still allowed.</summary>
    Limited,

    /// <summary>The breach persisted while limited: no new placements, and its instances are shed one per sample interval.</summary>
    Tainted,
}
