namespace Granary.Runtime.Configuration;

/// <summary>Identity and networking of a silo.</summary>
public sealed class SiloOptions
{
    /// <summary>Unique silo name in the cluster (a node silo uses its node id). Default: machine name plus a random suffix.</summary>
    public string? Name { get; set; }

    /// <summary>The cluster this silo joins; silos and clients of other clusters are refused at handshake.</summary>
    public string ClusterId { get; set; } = "granary";

    /// <summary>Address to listen on (an IP address or a host name resolved at start). Loopback by default.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free port. Ignored when <see cref="AcceptConnections"/> is false.</summary>
    public int Port { get; set; }

    /// <summary>
    /// False for a silo behind NAT or a firewall: it opens no port and dials every other silo; the others reach it
    /// over the connections it opened.
    /// </summary>
    public bool AcceptConnections { get; set; } = true;

    /// <summary>
    /// Address advertised to others (an IP address or a host name resolved at start) when it differs from
    /// <see cref="ListenAddress"/>. Unset with a wildcard listener (0.0.0.0 or ::), the first IPv4 address of a
    /// non-loopback interface that is up is advertised.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Roles of this silo (controller, orchestrator, node, ...), used by role-based placement.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Free-form labels published in the membership table.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];
}
