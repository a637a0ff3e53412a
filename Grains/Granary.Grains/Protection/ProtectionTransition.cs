namespace Granary.Grains.Protection;

/// <summary>What one sample changed in a node's protection state.</summary>
public enum ProtectionTransition
{
    /// <summary>The state stays.</summary>
    None,

    /// <summary>Normal to limited.</summary>
    Limited,

    /// <summary>Limited to tainted.</summary>
    Tainted,

    /// <summary>Limited or tainted to normal.</summary>
    Restored,
}
