using Granary.Grains.Identity;
using Granary.Grains.Jobs;

namespace Granary.Grains.Events;

/// <summary>A task (one instance slot of a function) changed state, published by its domain.</summary>
/// <param name="LogicalId">The logical function.</param>
/// <param name="WorkflowId">Its workflow.</param>
/// <param name="Component">Its name in the workflow.</param>
/// <param name="Slot">The task's slot (0 .. max_instances - 1).</param>
/// <param name="From">The state it left.</param>
/// <param name="To">The state it entered.</param>
/// <param name="Instance">The instance concerned, if any.</param>
/// <param name="Restarts">Restarts so far.</param>
/// <param name="ExitCode">The exit code that ended it, when known.</param>
/// <param name="Reason">Why, for people (failure reason, "restart after back-off 00:00:02", ...).</param>
/// <param name="Timestamp">When (domain clock).</param>
[GenerateSerializer]
public sealed record TaskStateChanged(
    [property: Id(1)] LogicalFunctionId LogicalId,
    [property: Id(2)] string WorkflowId,
    [property: Id(3)] string Component,
    [property: Id(4)] int Slot,
    [property: Id(5)] TaskState From,
    [property: Id(6)] TaskState To,
    [property: Id(7)] InstanceId? Instance,
    [property: Id(8)] int Restarts,
    [property: Id(9)] int? ExitCode,
    [property: Id(10)] string? Reason,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
