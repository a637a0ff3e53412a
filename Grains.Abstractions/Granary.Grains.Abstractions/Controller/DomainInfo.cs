namespace Granary.Grains.Controller;

/// <summary>A registered domain as the controller sees it: its capabilities as last refreshed and its deadline.</summary>
[GenerateSerializer]
public sealed record DomainInfo
{
    [Id(0)]
    public required string DomainId { get; init; }

    [Id(1)]
    public List<string> Runtimes { get; init; } = [];

    [Id(2)]
    public List<string> ResourceClasses { get; init; } = [];

    [Id(3)]
    public int NodeCount { get; init; }

    /// <summary>Workflows the controller has mapped to this domain.</summary>
    [Id(4)]
    public int WorkflowCount { get; init; }

    /// <summary>When the domain is declared lost unless it refreshes.</summary>
    [Id(5)]
    public DateTimeOffset Deadline { get; init; }
}
