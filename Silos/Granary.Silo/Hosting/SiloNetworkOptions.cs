using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Granary.Silo.Hosting;

/// <summary>
/// Where this silo listens and how the cluster knows it (section Granary:Silo). Orleans uses two ports: the silo
/// port, for the other silos, and the gateway port, for clients such as the <c>granary</c> command line.
/// </summary>
public sealed class SiloNetworkOptions
{
    /// <summary>The cluster this silo joins; only silos (and clients) with the same id talk to each other.</summary>
    public string ClusterId { get; set; } = "granary";

    /// <summary>The service: grain state written under one service id is read back by silos with the same id.</summary>
    public string ServiceId { get; set; } = "granary";

    /// <summary>The address to listen on: an IP address or a host name (resolved at start, IPv4 first). 0.0.0.0 listens on every interface.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The address other silos and clients dial (an IP address or a host name). Without it, the listen address; for a
    /// wildcard listener, the first non-loopback IPv4 address of this machine.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The port other silos connect to (0 = a free one).</summary>
    public int Port { get; set; } = 11112;

    /// <summary>The port clients connect to (0 = a free one); the command line's default gateway is 127.0.0.1:11111.</summary>
    public int GatewayPort { get; set; } = 11111;

    /// <summary>The listen address resolved (fails with a message naming the setting when it does not resolve).</summary>
    public IPAddress ResolveListenAddress() => Resolve(ListenAddress, "Granary:Silo:ListenAddress");

    /// <summary>The address to advertise, as described at <see cref="AdvertisedAddress"/>.</summary>
    public IPAddress ResolveAdvertisedAddress() =>
        AdvertisedAddress is { Length: > 0 } advertised ? Resolve(advertised, "Granary:Silo:AdvertisedAddress") : Advertisable(ResolveListenAddress());

    /// <summary><paramref name="port"/>, or a port free now on <paramref name="address"/> when it is 0.</summary>
    public static int PortOrFree(int port, IPAddress address)
    {
        if (port != 0)
        {
            return port;
        }

        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static IPAddress Resolve(string text, string option)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            return address;
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(text);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            throw new InvalidOperationException($"{option} '{text}' is neither an IP address nor a host name that resolves: {ex.Message}", ex);
        }

        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"{option} '{text}' resolves to no address.");
    }

    /// <summary>A wildcard address cannot be dialled: other machines get this machine's first non-loopback IPv4 address.</summary>
    private static IPAddress Advertisable(IPAddress bound)
    {
        if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
        {
            return bound;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}
