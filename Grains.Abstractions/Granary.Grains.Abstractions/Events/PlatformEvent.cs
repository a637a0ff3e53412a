namespace Granary.Grains.Events;

/// <summary>
/// Something that happened to the platform's state, published on streams for dashboards, tests and delegated
/// orchestrators. Declared as this base type, an event travels with its concrete type, so one stream carries all kinds.
/// </summary>
/// <param name="Timestamp">When it happened, by the clock of the grain that observed it.</param>
[GenerateSerializer]
public abstract record PlatformEvent([property: Id(0)] DateTimeOffset Timestamp);
