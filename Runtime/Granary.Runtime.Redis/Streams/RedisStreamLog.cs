using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Redis.Streams;

/// <summary>Log messages of the Redis stream provider.</summary>
internal static partial class RedisStreamLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Handler of subscription {Group} on {Stream} failed for entry {EntryId}; it stays pending and is delivered again after the claim idle time")]
    public static partial void HandlerFailed(ILogger logger, string group, string stream, string entryId, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Reading subscription {Group} on {Stream} failed; retrying")]
    public static partial void ReadFailed(ILogger logger, string group, string stream, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Subscription {Group} on {Stream} claimed {Count} entries left pending by other consumers")]
    public static partial void Claimed(ILogger logger, string group, string stream, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Subscription {Group} on {Stream} stopped: its grain was deactivated")]
    public static partial void OwnerGone(ILogger logger, string group, string stream);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Subscription {Group} on {Stream} stopped: its consumer group or stream was deleted")]
    public static partial void GroupDeleted(ILogger logger, string group, string stream);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Cleaning up subscription {Group} on {Stream} after it ended failed")]
    public static partial void CleanupFailed(ILogger logger, string group, string stream, Exception exception);
}
