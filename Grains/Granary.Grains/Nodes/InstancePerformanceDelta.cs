namespace Granary.Grains.Nodes;

/// <summary>An instance's events since it started, and its events and busy time since the previous sample.</summary>
internal readonly record struct InstancePerformanceDelta(long TotalEvents, long Events, TimeSpan Busy);
