using Granary.Grains.Redis;
using Granary.Grains.Proxy.Redis;
using StackExchange.Redis;

namespace Granary.Grains.Proxy;

/// <summary>
/// Configuration of a domain's proxy (section Granary:Proxy), read by orchestrator silos. With <see cref="Type"/>
/// <c>Redis</c> and a <see cref="Url"/>, the orchestrator mirrors the domain's state into that database and takes
/// migrate and cordon intents from it (the EDGELESS proxy). Configure it on one orchestrator silo per domain.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>The proxy type name that enables the Redis proxy.</summary>
    public const string RedisType = "Redis";

    /// <summary><c>None</c> (the default: no proxy) or <c>Redis</c>.</summary>
    public string Type { get; set; } = "None";

    /// <summary>The database, <c>redis://host:port[/db]</c> (see <see cref="RedisUrl"/> for options such as <c>?timeout=MS</c>).</summary>
    public string? Url { get; set; }

    /// <summary>The domain to mirror; null for the domain configured for this silo's node (Granary:Node:DomainId).</summary>
    public string? DomainId { get; set; }

    /// <summary>How often the mirror is refreshed and intents are read; null for the domain's keep-alive interval.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>
    /// How long a Redis command may take before the proxy treats Redis as unavailable, unless the URL sets
    /// <c>timeout</c>. Default 2 s.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most recent samples kept in each <c>performance:function_execution_time:PID</c> list. Default 1000.</summary>
    public int MaxPerformanceSamples { get; set; } = 1000;

    /// <summary>True when <see cref="Type"/> is <c>Redis</c> (in any case).</summary>
    public bool IsRedis => string.Equals(Type, RedisType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The StackExchange.Redis options for <see cref="Url"/>, with <see cref="CommandTimeout"/> as the command timeout
    /// unless the URL sets <c>timeout</c>. Throws <see cref="InvalidOperationException"/> naming the
    /// setting when the type is unknown, the URL is missing or malformed, or a number is out of range.
    /// </summary>
    public ConfigurationOptions ToRedisConfiguration()
    {
        if (!IsRedis)
        {
            throw new InvalidOperationException($"Granary:Proxy:Type '{Type}' is not supported: use Redis (or None for no proxy).");
        }

        if (string.IsNullOrWhiteSpace(Url))
        {
            throw new InvalidOperationException("Granary:Proxy:Url is required when Granary:Proxy:Type is Redis (for example redis://127.0.0.1:6379).");
        }

        if (MaxPerformanceSamples < 1)
        {
            throw new InvalidOperationException($"Granary:Proxy:MaxPerformanceSamples must be at least 1, got {MaxPerformanceSamples}.");
        }

        if (Interval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Granary:Proxy:Interval must be positive, got {interval}.");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Granary:Proxy:CommandTimeout must be positive, got {CommandTimeout}.");
        }

        ConfigurationOptions redis;
        try
        {
            redis = RedisUrl.Parse(Url);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Granary:Proxy:Url is not usable: {ex.Message}", ex);
        }

        if (!RedisUrl.HasOption(Url, "timeout"))
        {
            redis.SyncTimeout = redis.AsyncTimeout = (int)Math.Max(1, CommandTimeout.TotalMilliseconds);
        }

        return redis;
    }
}
