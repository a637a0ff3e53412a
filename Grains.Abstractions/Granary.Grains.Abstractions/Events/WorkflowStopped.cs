namespace Granary.Grains.Events;

/// <summary>A workflow was stopped and its instances asked to stop.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="Reason">Why, for people (e.g. "stopped by user").</param>
/// <param name="Timestamp">When it stopped.</param>
[GenerateSerializer]
public sealed record WorkflowStopped(
    [property: Id(1)] string WorkflowId,
    [property: Id(2)] string Reason,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
