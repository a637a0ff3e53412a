namespace Granary.Grains.Events;

/// <summary>A workflow was accepted and every component has been assigned to a domain.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="DomainIds">The domains hosting its components.</param>
/// <param name="Timestamp">When it started.</param>
[GenerateSerializer]
public sealed record WorkflowStarted(
    [property: Id(1)] string WorkflowId,
    [property: Id(2)] IReadOnlyList<string> DomainIds,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
