namespace Granary.Redis;

/// <summary>
/// The connection to the server could not be established or broke while the command was in flight. A command that
/// fails with this exception may or may not have been executed by the server (it had been handed to the socket);
/// commands that were still queued when the connection broke are not failed but sent after the reconnect.
/// </summary>
public class RedisConnectionException : RedisException
{
    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public RedisConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public RedisConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
