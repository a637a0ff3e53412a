using System.Net.Sockets;

namespace Granary.Executors.Tests;

/// <summary>A real unix socket that accepts connections and never answers: an engine that hangs.</summary>
internal sealed class SilentEngine : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public SilentEngine()
    {
        SocketPath = Path.Combine(Path.GetTempPath(), "granary-silent-" + Guid.NewGuid().ToString("N")[..12] + ".sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
    }

    public string SocketPath { get; }

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(SocketPath);
    }
}
