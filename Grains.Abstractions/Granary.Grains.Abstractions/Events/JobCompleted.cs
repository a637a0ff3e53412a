namespace Granary.Grains.Events;

/// <summary>Every task of a run-to-completion workflow completed; its instances are stopped and its resources released.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="DomainId">The domain it ran in.</param>
/// <param name="Timestamp">When (domain clock).</param>
[GenerateSerializer]
public sealed record JobCompleted(
    [property: Id(1)] string WorkflowId,
    [property: Id(2)] string DomainId,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
