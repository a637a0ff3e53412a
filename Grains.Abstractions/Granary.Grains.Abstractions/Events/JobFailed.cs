namespace Granary.Grains.Events;

/// <summary>A task of a run-to-completion workflow failed past its restart policy; the workflow's instances are stopped and its resources released.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="DomainId">The domain it ran in.</param>
/// <param name="Component">The function whose task failed.</param>
/// <param name="Reason">Its last failure, for people.</param>
/// <param name="Timestamp">When (domain clock).</param>
[GenerateSerializer]
public sealed record JobFailed(
    [property: Id(1)] string WorkflowId,
    [property: Id(2)] string DomainId,
    [property: Id(3)] string Component,
    [property: Id(4)] string Reason,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
