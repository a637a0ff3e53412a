using Granary.Grains.Identity;

namespace Granary.Grains.Platform;

/// <summary>A logical function as its domain last described it to its <see cref="ILogicalFunctionGrain"/>.</summary>
[GenerateSerializer]
public sealed record LogicalFunctionRecord
{
    [Id(0)]
    public LogicalFunctionId LogicalId { get; init; }

    [Id(1)]
    public string WorkflowId { get; init; } = string.Empty;

    [Id(2)]
    public string DomainId { get; init; } = string.Empty;

    /// <summary>The component's name in its workflow.</summary>
    [Id(3)]
    public string Component { get; init; } = string.Empty;

    /// <summary>The function type (<c>DOTNET</c>, <c>RUST_WASM</c>, <c>CONTAINER</c>) or the resource class.</summary>
    [Id(4)]
    public string Kind { get; init; } = string.Empty;

    [Id(5)]
    public bool IsResource { get; init; }

    /// <summary>The instances wanted (the <c>max_instances</c> requirement, 1 by default).</summary>
    [Id(6)]
    public int DesiredInstances { get; init; }

    /// <summary>The instances running now.</summary>
    [Id(7)]
    public InstanceId[] Instances { get; init; } = [];

    /// <summary>Output channel to the logical id of the component it feeds.</summary>
    [Id(8)]
    public Dictionary<string, LogicalFunctionId> Outputs { get; init; } = [];

    /// <summary>Why instances are missing, when some are.</summary>
    [Id(9)]
    public string? UnplacedReason { get; init; }

    /// <summary>When the domain sent this record (domain clock).</summary>
    [Id(10)]
    public DateTimeOffset UpdatedAt { get; init; }

    // Jobs (issue 16): ids from 20 keep clear of other additions.

    /// <summary>Its tasks (one per instance slot): state, instance, restarts, exit code, last failure; empty for resources.</summary>
    [Id(20)]
    public List<Jobs.TaskInfo> Tasks { get; init; } = [];

    /// <summary>Its task settings (requests, restart policy and limit, placement strategy) in annotation terms; empty for resources.</summary>
    [Id(21)]
    public string TaskSettings { get; init; } = string.Empty;
}
