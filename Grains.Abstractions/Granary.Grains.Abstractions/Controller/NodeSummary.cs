namespace Granary.Grains.Controller;

/// <summary>One node as its domain knows it: identity, domain, what it offers and its registration deadline.</summary>
[GenerateSerializer]
public sealed record NodeSummary
{
    [Id(0)]
    public required Guid NodeId { get; init; }

    /// <summary>The node's human-readable name; empty when it has none.</summary>
    [Id(1)]
    public string Name { get; init; } = string.Empty;

    [Id(2)]
    public required string DomainId { get; init; }

    /// <summary>Function runtimes the node offers.</summary>
    [Id(3)]
    public List<string> Runtimes { get; init; } = [];

    /// <summary>Resource classes the node hosts.</summary>
    [Id(4)]
    public List<string> ResourceClasses { get; init; } = [];

    /// <summary>The node's labels (key=value).</summary>
    [Id(5)]
    public List<string> Labels { get; init; } = [];

    /// <summary>When the node's registration expires unless refreshed.</summary>
    [Id(6)]
    public DateTimeOffset Deadline { get; init; }

    /// <summary>True when the domain places no new instances on the node (<c>granary node list</c> shows it).</summary>
    [Id(7)]
    public bool Cordoned { get; init; }

    /// <summary>The node's protection state: normal, limited (throttled) or tainted (no new placements, shedding).</summary>
    [Id(10)]
    public Protection.NodeProtectionState Protection { get; init; }
}
