namespace Granary.Grains.Controller;

/// <summary>
/// A lightweight description of one domain: what its nodes offer together, the nodes themselves, and the workflows
/// deployed on it. Returned by <c>IDomainGrain.Describe</c>.
/// </summary>
[GenerateSerializer]
public sealed record DomainSummary
{
    [Id(0)]
    public required string DomainId { get; init; }

    /// <summary>Function runtimes offered by at least one node (wire names such as DOTNET), sorted.</summary>
    [Id(1)]
    public List<string> Runtimes { get; init; } = [];

    /// <summary>Resource classes hosted by at least one node (such as file-log), sorted.</summary>
    [Id(2)]
    public List<string> ResourceClasses { get; init; } = [];

    /// <summary>The registered nodes.</summary>
    [Id(3)]
    public List<NodeSummary> Nodes { get; init; } = [];

    /// <summary>Ids of the workflows deployed on the domain.</summary>
    [Id(4)]
    public List<string> Workflows { get; init; } = [];
}
