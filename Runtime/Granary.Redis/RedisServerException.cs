namespace Granary.Redis;

/// <summary>
/// The server answered the command with an error reply (for example <c>WRONGTYPE</c>, <c>NOSCRIPT</c>,
/// <c>NOAUTH</c>). The connection stays healthy; only this command failed.
/// </summary>
public sealed class RedisServerException : RedisException
{
    /// <summary>Creates an exception for the error reply <paramref name="serverMessage"/> to <paramref name="command"/>.</summary>
    public RedisServerException(string command, string serverMessage)
        : base($"{command}: {serverMessage}")
    {
        Command = command;
        ServerMessage = serverMessage;
        var space = serverMessage.IndexOf(' ', StringComparison.Ordinal);
        ErrorCode = space < 0 ? serverMessage : serverMessage[..space];
    }

    /// <summary>The command the server rejected (for example <c>EVALSHA</c>).</summary>
    public string Command { get; }

    /// <summary>The error text exactly as the server sent it.</summary>
    public string ServerMessage { get; }

    /// <summary>The first word of the error, by Redis convention its code (<c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>).</summary>
    public string ErrorCode { get; }
}
