using Granary.Grains.Platform;

namespace Granary.Grains.Controller;

/// <summary>A node and the instances it runs now.</summary>
[GenerateSerializer]
public sealed record NodeDetails
{
    [Id(0)]
    public required NodeSummary Node { get; init; }

    [Id(1)]
    public List<InstanceStatus> Instances { get; init; } = [];
}
