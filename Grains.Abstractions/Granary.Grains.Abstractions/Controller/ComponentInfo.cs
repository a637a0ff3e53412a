using Granary.Grains.Identity;

namespace Granary.Grains.Controller;

/// <summary>One component of a deployed workflow: where it runs and why it does not, if it does not.</summary>
[GenerateSerializer]
public sealed record ComponentInfo
{
    /// <summary>The component's name in the workflow.</summary>
    [Id(0)]
    public required string Name { get; init; }

    /// <summary>The function type wire name (DOTNET, ...) or the resource class (file-log, ...).</summary>
    [Id(1)]
    public required string Kind { get; init; }

    /// <summary>The domain it is deployed on; null for an orphan.</summary>
    [Id(2)]
    public string? DomainId { get; init; }

    /// <summary>Its logical id in the domain; null for an orphan.</summary>
    [Id(3)]
    public LogicalFunctionId? LogicalId { get; init; }

    /// <summary>Its physical instances; each carries the id of its node.</summary>
    [Id(4)]
    public List<InstanceId> Instances { get; init; } = [];

    /// <summary>Why the domain cannot place it now, or null.</summary>
    [Id(5)]
    public string? UnplacedReason { get; init; }

    // Jobs (issue 16): ids from 20 keep clear of other additions.

    /// <summary>Its tasks (one per instance slot) with state, restarts, exit code and last failure; empty for resources and orphans.</summary>
    [Id(20)]
    public List<Jobs.TaskInfo> Tasks { get; init; } = [];
}
