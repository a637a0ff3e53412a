using StackExchange.Redis;

namespace Granary.Streams.Redis;

/// <summary>
/// Options of a Redis Streams provider (one per provider name). Each queue is one Redis stream,
/// <c>{KeyPrefix}:{provider}:{queue}</c>, read through the consumer group <see cref="ConsumerGroup"/>; an entry is
/// acknowledged once its events were delivered, and entries a silo pulled but never acknowledged (it died) are claimed
/// by the silo that takes the queue over once they have been idle for <see cref="ClaimIdleTime"/>.
/// </summary>
public sealed class RedisStreamOptions
{
    /// <summary>The Redis server (required).</summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>
    /// Where the provider's connection comes from: by default a multiplexer of its own; set it to share one the
    /// process already has (the provider never closes it).
    /// </summary>
    public Func<RedisStreamOptions, Task<IConnectionMultiplexer>> CreateMultiplexer { get; set; } =
        static async options => await ConnectionMultiplexer.ConnectAsync(options.ConfigurationOptions!).ConfigureAwait(false);

    /// <summary>The first part of every stream key.</summary>
    public string KeyPrefix { get; set; } = "granary-streams";

    /// <summary>The consumer group of the pulling silos.</summary>
    public string ConsumerGroup { get; set; } = "orleans";

    /// <summary>Queues (Redis streams) the provider spreads streams over.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// How long an entry pulled by a silo may stay unacknowledged before another silo claims it (a silo that died).
    /// Longer than the time a silo takes to deliver a batch, or entries are delivered twice.
    /// </summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Approximate number of entries each stream keeps (older entries are trimmed as new ones are added).</summary>
    public int MaxStreamLength { get; set; } = 100_000;

    /// <summary>Entries read from a queue at most per pull.</summary>
    public int MaxEntriesPerRead { get; set; } = 1000;
}
