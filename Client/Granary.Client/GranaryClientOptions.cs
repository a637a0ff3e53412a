namespace Granary.Client;

/// <summary>How a <see cref="GranaryClient"/> reaches the cluster.</summary>
public sealed class GranaryClientOptions
{
    /// <summary>The gateway used when none is given and GRANARY_GATEWAY is not set.</summary>
    public const string DefaultGateway = "127.0.0.1:11111";

    /// <summary>
    /// Gateway silo endpoints as <c>host:port</c>; host names are resolved when connecting. The client connects to
    /// every one it can reach and succeeds when at least one answers.
    /// </summary>
    public List<string> Gateways { get; set; } = [DefaultGateway];

    /// <summary>The cluster id the gateways belong to; gateways of another cluster refuse the connection.</summary>
    public string ClusterId { get; set; } = "granary";

    /// <summary>The service id of the cluster (silos' <c>Granary:Silo:ServiceId</c>).</summary>
    public string ServiceId { get; set; } = "granary";

    /// <summary>
    /// A <c>redis://HOST:PORT</c> URL: when set, the client finds the gateways in the cluster's Redis membership table
    /// instead of <see cref="Gateways"/>.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Deadline of each call to the cluster.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a gateway to answer when connecting.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
