using Granary.Grains.Identity;

namespace Granary.Grains.Events;

/// <summary>What one instance did between two <see cref="PerformanceSample"/>s of its node.</summary>
/// <param name="Instance">The instance.</param>
/// <param name="LogicalId">The logical function or resource it serves.</param>
/// <param name="WorkflowId">The workflow it belongs to.</param>
/// <param name="Component">Its name in the workflow.</param>
/// <param name="TotalEvents">Casts and calls handled since it started.</param>
/// <param name="Events">Casts and calls handled since the previous sample.</param>
/// <param name="MeanExecutionMs">Mean time one of those events took in the instance, in milliseconds (0 when there were none).</param>
[GenerateSerializer]
public sealed record InstanceActivity(
    [property: Id(0)] InstanceId Instance,
    [property: Id(1)] LogicalFunctionId LogicalId,
    [property: Id(2)] string WorkflowId,
    [property: Id(3)] string Component,
    [property: Id(4)] long TotalEvents,
    [property: Id(5)] long Events,
    [property: Id(6)] double MeanExecutionMs);
