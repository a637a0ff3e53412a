namespace Granary.Grains.Events;

/// <summary>A node left its domain: its deadline passed, it stopped answering or it deregistered; its instances are relocated.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="DomainId">The domain it belonged to.</param>
/// <param name="Reason">Why it is considered gone, for people (e.g. "refresh deadline passed").</param>
/// <param name="Timestamp">When it was declared lost.</param>
[GenerateSerializer]
public sealed record NodeLost(
    [property: Id(1)] Guid NodeId,
    [property: Id(2)] string DomainId,
    [property: Id(3)] string Reason,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
