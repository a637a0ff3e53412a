namespace Granary.Redis;

/// <summary>An entry delivered to a consumer of a group and not yet acknowledged (one row of XPENDING).</summary>
/// <param name="Id">The entry id.</param>
/// <param name="Consumer">The consumer that owns it.</param>
/// <param name="Idle">Time since it was last delivered.</param>
/// <param name="DeliveryCount">How many times it has been delivered.</param>
public sealed record StreamPendingEntry(string Id, string Consumer, TimeSpan Idle, long DeliveryCount);
