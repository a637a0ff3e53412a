using Orleans.Runtime;

namespace Granary.Streams.Redis;

/// <summary>Refuses, at start, Redis stream options that make no sense, naming the option.</summary>
public sealed class RedisStreamOptionsValidator(RedisStreamOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        Check(options.ConfigurationOptions is { EndPoints.Count: > 0 }, nameof(RedisStreamOptions.ConfigurationOptions), "names no Redis server");
        Check(!string.IsNullOrWhiteSpace(options.KeyPrefix), nameof(RedisStreamOptions.KeyPrefix), "is empty");
        Check(!string.IsNullOrWhiteSpace(options.ConsumerGroup), nameof(RedisStreamOptions.ConsumerGroup), "is empty");
        Check(options.QueueCount > 0, nameof(RedisStreamOptions.QueueCount), $"is {options.QueueCount}; it must be at least 1");
        Check(options.ClaimIdleTime > TimeSpan.Zero, nameof(RedisStreamOptions.ClaimIdleTime), $"is {options.ClaimIdleTime}; it must be positive");
        Check(options.MaxStreamLength > 0, nameof(RedisStreamOptions.MaxStreamLength), $"is {options.MaxStreamLength}; it must be at least 1");
        Check(options.MaxEntriesPerRead > 0, nameof(RedisStreamOptions.MaxEntriesPerRead), $"is {options.MaxEntriesPerRead}; it must be at least 1");
    }

    private void Check(bool ok, string option, string problem)
    {
        if (!ok)
        {
            throw new OrleansConfigurationException($"Redis stream provider '{name}': {nameof(RedisStreamOptions)}.{option} {problem}.");
        }
    }
}
