namespace Granary.Redis;

/// <summary>
/// The server sent bytes that are not valid RESP, or closed the connection in the middle of a reply. The message
/// names what was malformed. The byte stream cannot be resynchronised after this, so the connection is dropped and
/// re-established; every other command in flight on it fails with a <see cref="RedisConnectionException"/>.
/// </summary>
public sealed class RedisProtocolException : RedisConnectionException
{
    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public RedisProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public RedisProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
