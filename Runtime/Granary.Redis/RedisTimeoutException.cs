namespace Granary.Redis;

/// <summary>
/// No reply arrived within <see cref="RedisOptions.CommandTimeout"/>. The message names the command, how long it
/// waited, whether it had been sent, and how many other commands were in flight and queued at that moment; see the
/// package README for how to read it. A command that timed out after being sent may still be executed by the
/// server; its late reply is discarded and the connection keeps matching replies correctly.
/// </summary>
public sealed class RedisTimeoutException : RedisException
{
    /// <summary>Creates the exception; the message is composed from the arguments.</summary>
    public RedisTimeoutException(string message, string command, TimeSpan elapsed, bool wasSent, int inFlight, int queued)
        : base(message)
    {
        Command = command;
        Elapsed = elapsed;
        WasSent = wasSent;
        InFlight = inFlight;
        Queued = queued;
    }

    /// <summary>The name of the command that timed out (for example <c>GET</c>).</summary>
    public string Command { get; }

    /// <summary>How long the command waited before it was failed.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// True if the command had been written to the socket (the server may execute it); false if it was still
    /// waiting to be sent, typically because the connection was down.
    /// </summary>
    public bool WasSent { get; }

    /// <summary>How many other commands were sent and awaiting replies on the connection when this one timed out.</summary>
    public int InFlight { get; }

    /// <summary>How many commands were waiting to be sent when this one timed out.</summary>
    public int Queued { get; }
}
