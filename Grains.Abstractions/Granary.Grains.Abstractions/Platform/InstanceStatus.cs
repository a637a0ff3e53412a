using Granary.Grains.Identity;

namespace Granary.Grains.Platform;

/// <summary>An instance running on a node, as the node reports it.</summary>
[GenerateSerializer]
public sealed record InstanceStatus
{
    [Id(0)]
    public required InstanceId Id { get; init; }

    [Id(1)]
    public required LogicalFunctionId LogicalId { get; init; }

    [Id(2)]
    public required string WorkflowId { get; init; }

    [Id(3)]
    public required string Component { get; init; }

    /// <summary>Events handled so far (casts and calls).</summary>
    [Id(4)]
    public long Events { get; init; }

    /// <summary>Output channel to the instances it currently reaches.</summary>
    [Id(5)]
    public Dictionary<string, InstanceId[]> Outputs { get; init; } = [];
}
