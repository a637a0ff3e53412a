using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Granary.Runtime.Configuration;

/// <summary>Turns the addresses of <see cref="SiloOptions"/> (IP addresses or host names) into IP addresses.</summary>
internal static class SiloNetwork
{
    /// <summary>
    /// <paramref name="text"/> as an IP address, or the host name resolved (IPv4 preferred). Throws
    /// <see cref="InvalidOperationException"/> naming <paramref name="option"/> when the name does not resolve.
    /// </summary>
    public static IPAddress Resolve(string text, string option)
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

    /// <summary>
    /// The address to advertise for a silo listening on <paramref name="bound"/>: itself, unless it is a wildcard
    /// (0.0.0.0 or ::), which other machines cannot dial; then the first IPv4 address of an interface that is up and
    /// not loopback, or loopback when there is none.
    /// </summary>
    public static IPAddress Advertisable(IPAddress bound)
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
