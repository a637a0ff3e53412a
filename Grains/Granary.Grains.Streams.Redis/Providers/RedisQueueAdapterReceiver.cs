using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using StackExchange.Redis;

namespace Granary.Streams.Redis;

/// <summary>
/// Reads one queue's Redis stream through the provider's consumer group: first the entries other consumers pulled
/// and left unacknowledged for longer than <see cref="RedisStreamOptions.ClaimIdleTime"/> (XAUTOCLAIM: a silo that
/// died with them), then new ones (XREADGROUP). Entries are acknowledged (XACK) once delivered, so delivery is at
/// least once.
/// </summary>
internal sealed partial class RedisQueueAdapterReceiver(RedisKey key, RedisStreamOptions options, IConnectionMultiplexer redis, Serializer serializer, ILogger logger)
    : IQueueAdapterReceiver
{
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    private IDatabase Db => redis.GetDatabase();

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            // From the start of the stream: entries written before any silo read this queue are delivered too.
            await Db.StreamCreateConsumerGroupAsync(key, options.ConsumerGroup, "0-0", createStream: true).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var count = maxCount <= 0 ? options.MaxEntriesPerRead : Math.Min(maxCount, options.MaxEntriesPerRead);
        var claimed = await Db.StreamAutoClaimAsync(key, options.ConsumerGroup, _consumer, (long)options.ClaimIdleTime.TotalMilliseconds, "0-0", count)
            .ConfigureAwait(false);
        var entries = claimed.ClaimedEntries.Where(e => !e.IsNull).ToList();
        if (entries.Count > 0)
        {
            LogClaimed(logger, entries.Count, key.ToString());
        }

        if (entries.Count < count)
        {
            entries.AddRange(await Db.StreamReadGroupAsync(key, options.ConsumerGroup, _consumer, ">", count - entries.Count).ConfigureAwait(false));
        }

        var batches = new List<IBatchContainer>(entries.Count);
        foreach (var entry in entries)
        {
            var payload = entry[RedisQueueAdapter.PayloadField];
            if (payload.IsNull)
            {
                await Db.StreamAcknowledgeAsync(key, options.ConsumerGroup, entry.Id).ConfigureAwait(false);
                continue;
            }

            var batch = serializer.Deserialize<RedisStreamBatchContainer>((byte[])payload!)!;
            var id = entry.Id.ToString();
            batch.EntryId = id;
            batch.Token = new EventSequenceTokenV2(RedisStreamBatchContainer.SequenceNumberOf(id));
            batches.Add(batch);
        }

        return batches;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var ids = messages.OfType<RedisStreamBatchContainer>().Where(b => b.EntryId is not null).Select(b => (RedisValue)b.EntryId!).ToArray();
        if (ids.Length > 0)
        {
            await Db.StreamAcknowledgeAsync(key, options.ConsumerGroup, ids).ConfigureAwait(false);
        }
    }

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Claimed {Count} entries of {Stream} that another consumer left unacknowledged")]
    private static partial void LogClaimed(ILogger logger, int count, string stream);
}
