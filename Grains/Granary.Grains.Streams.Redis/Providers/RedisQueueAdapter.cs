using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Streams;
using StackExchange.Redis;

namespace Granary.Streams.Redis;

/// <summary>Writes batches to the queue's Redis stream (XADD, trimmed to about <see cref="RedisStreamOptions.MaxStreamLength"/>).</summary>
internal sealed class RedisQueueAdapter(
    string name, RedisStreamOptions options, IConnectionMultiplexer redis, Serializer serializer, HashRingBasedStreamQueueMapper mapper, ILoggerFactory loggers)
    : IQueueAdapter
{
    public const string PayloadField = "b";

    public string Name => name;

    public bool IsRewindable => true;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public RedisKey KeyOf(QueueId queue) => $"{options.KeyPrefix}:{name}:{queue}";

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("The Redis stream provider numbers events itself: a sequence token cannot be given.", nameof(token));
        }

        var batch = new RedisStreamBatchContainer(streamId, events.Cast<object>().ToList(), requestContext is { Count: > 0 } ? requestContext : null);
        var key = KeyOf(mapper.GetQueueForStream(streamId));
        await redis.GetDatabase().StreamAddAsync(key, PayloadField, serializer.SerializeToArray(batch), maxLength: options.MaxStreamLength, useApproximateMaxLength: true)
            .ConfigureAwait(false);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new RedisQueueAdapterReceiver(KeyOf(queueId), options, redis, serializer, loggers.CreateLogger<RedisQueueAdapterReceiver>());
}
