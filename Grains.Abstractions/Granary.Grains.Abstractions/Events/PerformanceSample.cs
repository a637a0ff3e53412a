namespace Granary.Grains.Events;

/// <summary>
/// A node's periodic performance report: for every instance it runs, the events handled and the mean time one event
/// took since the previous sample (the EDGELESS performance samples, sent every sample interval, not per event).
/// </summary>
/// <param name="NodeId">The reporting node.</param>
/// <param name="DomainId">The domain it belongs to.</param>
/// <param name="Instances">One entry per running instance.</param>
/// <param name="Timestamp">When the sample was taken.</param>
[GenerateSerializer]
public sealed record PerformanceSample(
    [property: Id(1)] Guid NodeId,
    [property: Id(2)] string DomainId,
    [property: Id(3)] IReadOnlyList<InstanceActivity> Instances,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
