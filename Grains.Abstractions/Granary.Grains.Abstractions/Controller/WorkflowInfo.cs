namespace Granary.Grains.Controller;

/// <summary>One line of the controller's workflow list.</summary>
[GenerateSerializer]
public sealed record WorkflowInfo
{
    [Id(0)]
    public required string WorkflowId { get; init; }

    /// <summary>The domain running it; null while it is an orphan.</summary>
    [Id(1)]
    public string? DomainId { get; init; }

    [Id(2)]
    public WorkflowState State { get; init; }

    /// <summary>Functions plus resources.</summary>
    [Id(3)]
    public int ComponentCount { get; init; }

    [Id(4)]
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the last deployment on <see cref="DomainId"/> completed (controller clock); null while an orphan.</summary>
    [Id(5)]
    public DateTimeOffset? DeployedAt { get; init; }

    // Jobs (issue 16): ids from 20 keep clear of other additions.

    /// <summary>Why a run-to-completion workflow ended (<see cref="WorkflowState.Completed"/> or <see cref="WorkflowState.Failed"/>); null otherwise.</summary>
    [Id(20)]
    public string? Outcome { get; init; }
}
