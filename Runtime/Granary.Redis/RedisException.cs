namespace Granary.Redis;

/// <summary>
/// The base of every error raised by the Granary RESP client. Catch this to handle any Redis failure; catch a
/// subclass to tell a server-side error, a broken connection, a malformed reply and a timeout apart.
/// </summary>
public class RedisException : Exception
{
    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public RedisException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
