using System.Net;
using System.Net.Sockets;

namespace Granary.Testing;

/// <summary>Ports for servers that tests configure by number (processes, endpoints whose port 0 means "off").</summary>
public static class LoopbackPorts
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago (the system picked it for a listener, which is closed again).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
