using Microsoft.Extensions.Logging;

namespace Granary.Redis.Internal;

/// <summary>Source-generated log messages of the client.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Redis {Role} connection to {EndPoint} established (generation {Generation}, RESP{Protocol})")]
    public static partial void Connected(ILogger logger, string role, string endPoint, int generation, int protocol);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Redis {Role} connection to {EndPoint} lost; {InFlight} in-flight command(s) failed, {Queued} queued command(s) wait for the reconnect")]
    public static partial void ConnectionLost(ILogger logger, Exception? exception, string role, string endPoint, int inFlight, int queued);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Redis {Role} connect attempt {Attempt} to {EndPoint} failed; retrying in {DelayMs} ms")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string role, int attempt, string endPoint, long delayMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Redis push message handler threw; the message was dropped for that handler")]
    public static partial void PushHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Redis {Role} connection to {EndPoint}: protocol error; dropping the connection")]
    public static partial void ProtocolError(ILogger logger, Exception exception, string role, string endPoint);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Redis resubscribed {Count} channel(s) and pattern(s) after reconnect")]
    public static partial void Resubscribed(ILogger logger, int count);
}
