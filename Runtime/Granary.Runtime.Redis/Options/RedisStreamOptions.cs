namespace Granary.Runtime.Redis;

/// <summary>How a Redis Streams provider stores and reads events (see <c>AddRedisStreams</c>).</summary>
public sealed class RedisStreamOptions
{
    /// <summary>The Redis server as <c>redis://[user:password@]host[:port][/db]</c>.</summary>
    public string ConnectionString { get; set; } = "redis://127.0.0.1:6379/0";

    /// <summary>The first part of every stream key: <c>{KeyPrefix}:{providerName}:{namespace}:{key}</c>.</summary>
    public string KeyPrefix { get; set; } = "granary:stream";

    /// <summary>
    /// How long a subscription waits before reading again when the stream had nothing new. Reads never block the
    /// shared connection (no <c>BLOCK</c>), so this bounds the delivery latency of an idle stream.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most entries one read (XREADGROUP or XAUTOCLAIM) takes.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// An entry delivered to a consumer and not acknowledged for this long (its consumer died, or its handler
    /// failed) is claimed by another reader of the same subscription, or by the same one, and delivered again.
    /// Shorter than the slowest handler means duplicate deliveries while that handler still runs.
    /// </summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each subscription looks for entries to claim (XAUTOCLAIM).</summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When set, XADD trims each stream to about this many entries (<c>MAXLEN ~</c>); null keeps everything.</summary>
    public long? MaxStreamLength { get; set; }
}
