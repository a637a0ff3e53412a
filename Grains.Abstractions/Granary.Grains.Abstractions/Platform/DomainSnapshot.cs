using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;

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
}

/// <summary>A registered node: its description, last health report, and whether it is cordoned.</summary>
[GenerateSerializer]
public sealed record NodeSnapshot
{
    [Id(0)]
    public NodeDescriptor Descriptor { get; init; } = new(Guid.Empty, new NodeCapabilities());

    [Id(1)]
    public NodeHealth Health { get; init; } = new();

    [Id(2)]
    public bool Cordoned { get; init; }
}

/// <summary>A logical function (or resource): its annotations, active instances, and outputs by logical id.</summary>
[GenerateSerializer]
public sealed record FunctionSnapshot
{
    [Id(0)]
    public LogicalFunctionId LogicalId { get; init; }

    [Id(1)]
    public string WorkflowId { get; init; } = string.Empty;

    [Id(2)]
    public string Component { get; init; } = string.Empty;

    /// <summary>Function annotations, or resource configurations.</summary>
    [Id(3)]
    public Dictionary<string, string> Annotations { get; init; } = [];

    [Id(4)]
    public InstanceId[] Instances { get; init; } = [];

    /// <summary>Output channel to the logical id it feeds.</summary>
    [Id(5)]
    public Dictionary<string, LogicalFunctionId> Dependencies { get; init; } = [];

    /// <summary>True for a resource.</summary>
    [Id(6)]
    public bool IsResource { get; init; }
}
