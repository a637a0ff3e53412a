using Granary.Grains.Identity;

namespace Granary.Grains.Platform;

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
