using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Grains.Platform;

/// <summary>
/// What a node needs to start one instance of a workflow component: the function (or resource) specification,
/// its logical id, and the state to hand to init (after a restart or a migration), if any.
/// </summary>
[GenerateSerializer]
public sealed record ComponentDeployment
{
    [Id(0)]
    public required string WorkflowId { get; init; }

    [Id(1)]
    public required LogicalFunctionId LogicalId { get; init; }

    /// <summary>Set for a function component.</summary>
    [Id(2)]
    public FunctionSpec? Function { get; init; }

    /// <summary>Set for a resource component.</summary>
    [Id(3)]
    public ResourceSpec? Resource { get; init; }

    /// <summary>State saved by a previous instance (sync), handed to init.</summary>
    [Id(4)]
    public byte[]? State { get; init; }

    /// <summary>The component's name in the workflow.</summary>
    public string Name => Function?.Name ?? Resource?.Name ?? "?";
}
