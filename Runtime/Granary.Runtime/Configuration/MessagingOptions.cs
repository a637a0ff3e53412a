namespace Granary.Runtime.Configuration;

/// <summary>Timeouts and limits of grain calls and connections.</summary>
public sealed class MessagingOptions
{
    /// <summary>Deadline of a call when neither the method nor the caller sets one.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a TCP connection and its handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired calls are failed; the granularity of deadlines.</summary>
    public TimeSpan DeadlineCheckPeriod { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How many times a call is re-routed after "not here" or "forward" answers before it fails.</summary>
    public int MaxForwardCount { get; set; } = 4;

    /// <summary>Largest frame accepted from the network; larger frames close the connection.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024 * 1024;
}
