using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Grains.Controller;

/// <summary>What a <see cref="WorkflowGrain"/> persists: enough to redeploy the workflow anywhere.</summary>
[GenerateSerializer]
public sealed class WorkflowRecord
{
    [Id(0)]
    public string Id { get; set; } = string.Empty;

    [Id(1)]
    public WorkflowSpec Spec { get; set; } = new();

    /// <summary>The domain it is deployed on; null while it is an orphan.</summary>
    [Id(2)]
    public string? DomainId { get; set; }

    /// <summary>Component name to logical id in <see cref="DomainId"/>; empty while it is an orphan.</summary>
    [Id(3)]
    public Dictionary<string, LogicalFunctionId> Components { get; set; } = new(StringComparer.Ordinal);

    [Id(4)]
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When the last deployment on <see cref="DomainId"/> completed (controller clock).</summary>
    [Id(5)]
    public DateTimeOffset DeployedAt { get; set; }

    // Jobs (issue 16): ids from 20 keep clear of other additions.

    /// <summary>How a run-to-completion workflow ended (Completed or Failed); null while it runs or for a continuous one.</summary>
    [Id(20)]
    public WorkflowState? EndedAs { get; set; }

    /// <summary>Why it ended, for people; null while it runs.</summary>
    [Id(21)]
    public string? Outcome { get; set; }
}
