using Granary.Grains.Platform;

namespace Granary.Grains.Domains;

/// <summary>Configuration of the domain orchestrator (section Granary:Domain).</summary>
public sealed class DomainOptions
{
    /// <summary>How nodes are chosen among the eligible ones.</summary>
    public PlacementPolicy Strategy { get; set; } = PlacementPolicy.Random;

    /// <summary>How often lost nodes are detected and unplaced functions retried.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed of the weighted random strategy; null for a random seed. Fixed seeds make placement repeatable.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>
    /// Most recent performance samples kept per instance (what the proxy mirror can publish after a Redis outage);
    /// older ones are dropped.
    /// </summary>
    public int PerformanceWindow { get; set; } = 100;

    /// <summary>
    /// The stream provider on which <c>NodeRegistered</c> and <c>NodeLost</c> are published (namespace
    /// <c>granary.events</c>, key = the domain id); empty disables publishing.
    /// </summary>
    public string EventStreamProvider { get; set; } = Events.PlatformStreams.DefaultProvider;

    /// <summary>Restart back-off of tasks (Granary:Domain:Tasks): 1 s doubling to 1 min, reset after 10 min.</summary>
    public Tasks.TaskOptions Tasks { get; set; } = new();
}
