using System.Collections.Concurrent;
using Granary.Redis;
using Granary.Streams;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Redis.Streams;

/// <summary>
/// A persistent stream provider on Redis Streams for one silo. Each stream is one Redis stream key; each
/// subscription is a consumer group pulled by an agent on the subscriber's silo; delivery is at least once.
/// </summary>
internal sealed class RedisStreamProvider(string name, RedisStreamOptions options, RedisConnectionSource connection, SiloRuntime silo, ILogger logger) : IStreamProvider
{
    private readonly ConcurrentDictionary<Guid, RedisStreamAgent> _agents = new();
    private bool _stopped;

    public string Name { get; } = name;

    public RedisStreamOptions Options { get; } = options;

    public RedisConnectionSource Connection { get; } = connection;

    public SiloRuntime Silo { get; } = silo;

    public IAsyncStream<T> GetStream<T>(StreamId id) => new RedisStream<T>(this, id);

    /// <summary>The Redis key of a stream.</summary>
    public string StreamKey(StreamId id) => $"{Options.KeyPrefix}:{Name}:{id.Namespace}:{id.Key}";

    /// <summary>Creates (without starting) the agent of a subscription and tracks it until it is stopped.</summary>
    public RedisStreamAgent CreateAgent(Guid subscriptionId, string key, string group, string consumer, Func<RedisValue, StreamSequenceToken, Task> deliver, Func<bool>? isWanted)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped), this);
        var agent = new RedisStreamAgent(Connection, Options, key, group, consumer, deliver, isWanted, logger);
        _agents[subscriptionId] = agent;
        return agent;
    }

    public async Task StopAsync(Guid subscriptionId, RedisStreamAgent agent)
    {
        _agents.TryRemove(subscriptionId, out _);
        await agent.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops every agent of this silo without acknowledging what is in flight (the silo is going away).</summary>
    public async Task StopAllAsync()
    {
        Volatile.Write(ref _stopped, true);
        var agents = _agents.Values.ToList();
        _agents.Clear();
        await Task.WhenAll(agents.Select(a => a.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
