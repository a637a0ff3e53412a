namespace Granary.Runtime.Client;

/// <summary>How a cluster client finds and talks to the cluster.</summary>
public sealed class ClientOptions
{
    /// <summary>The cluster to join; gateways of another cluster refuse the handshake.</summary>
    public string ClusterId { get; set; } = "granary";

    /// <summary>Gateway silo endpoints ("host:port"). The client connects to all it can and spreads calls over them.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>Deadline of a call when neither the method nor the caller sets one.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a gateway connection and handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay between attempts to reconnect to a lost gateway.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);
}
