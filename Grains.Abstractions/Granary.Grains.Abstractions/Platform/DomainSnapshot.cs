namespace Granary.Grains.Platform;

/// <summary>
/// Everything a domain orchestrator knows, at one moment: what the proxy mirror publishes for monitoring tools and
/// delegated orchestrators.
/// </summary>
[GenerateSerializer]
public sealed record DomainSnapshot
{
    [Id(0)]
    public string DomainId { get; init; } = string.Empty;

    [Id(1)]
    public List<NodeSnapshot> Nodes { get; init; } = [];

    [Id(2)]
    public List<FunctionSnapshot> Functions { get; init; } = [];

    /// <summary>Recent execution times of the active instances that reported any (nodes that collect samples).</summary>
    [Id(3)]
    public List<InstancePerformance> Performance { get; init; } = [];
}
