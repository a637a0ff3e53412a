namespace Granary.Grains.Placement;

/// <summary>
/// Whether a component may be placed on a node and, when it may not, every reason why (one per unmet requirement,
/// e.g. <c>node n2 lacks label zone=eu</c>), so an operator sees all that must change at once.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record PlacementVerdict
{
    /// <summary>Creates a verdict; it is eligible exactly when <paramref name="reasons"/> is empty.</summary>
    public PlacementVerdict(IReadOnlyList<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        Reasons = reasons;
    }

    /// <summary>The verdict for a node that meets every requirement.</summary>
    public static PlacementVerdict Eligible { get; } = new([]);

    /// <summary>Why the node is not eligible; empty when it is.</summary>
    [Id(0)]
    public IReadOnlyList<string> Reasons { get; }

    /// <summary>True when the node meets every requirement.</summary>
    public bool IsEligible => Reasons.Count == 0;

    /// <summary>"eligible", or the reasons joined with "; ".</summary>
    public override string ToString() => IsEligible ? "eligible" : string.Join("; ", Reasons);
}
