using System.Net.Sockets;
using System.Text;
using Granary.Docker.Internal;

namespace Granary.Docker;

/// <summary>
/// Tells, synchronously, whether a Docker Engine answers on a socket: for decisions taken while services are being
/// registered (a node offers the CONTAINER runtime only when its engine answers), where nothing can be awaited yet.
/// Everything else uses <see cref="DockerClient"/>.
/// </summary>
public static class DockerEngineProbe
{
    /// <summary>
    /// Sends <c>GET /_ping</c> to the engine named by <paramref name="options"/> (socket path, DOCKER_HOST, default, as
    /// <see cref="DockerClient"/> resolves them) and waits at most <paramref name="timeout"/> for <c>200 OK</c>. Returns
    /// false with the reason in <paramref name="failure"/> when there is no socket, nobody accepts, the answer is not
    /// 200 or it takes too long. Never throws for an unreachable engine.
    /// </summary>
    public static bool IsReachable(DockerClientOptions? options, TimeSpan timeout, out string? failure)
    {
        string socketPath;
        try
        {
            socketPath = DockerSocketPath.Resolve(options?.SocketPath, Environment.GetEnvironmentVariable("DOCKER_HOST"));
        }
        catch (NotSupportedException e)
        {
            failure = e.Message;
            return false;
        }

        if (!File.Exists(socketPath))
        {
            failure = $"no Docker Engine socket at {socketPath}";
            return false;
        }

        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            SendTimeout = milliseconds,
            ReceiveTimeout = milliseconds,
        };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"u8);
            var buffer = new byte[64];
            var read = 0;
            while (read < buffer.Length && Array.IndexOf(buffer, (byte)'\n', 0, read) < 0)
            {
                var n = socket.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var statusLine = Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0].Trim();
            if (statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) && statusLine.Split(' ') is [_, "200", ..])
            {
                failure = null;
                return true;
            }

            failure = $"the Docker Engine at {socketPath} answered /_ping with '{statusLine}'";
            return false;
        }
        catch (SocketException e)
        {
            failure = e.SocketErrorCode == SocketError.TimedOut
                ? $"the Docker Engine at {socketPath} did not answer /_ping within {timeout.TotalMilliseconds:0} ms"
                : $"connecting to the Docker Engine at {socketPath} failed: {e.Message} ({e.SocketErrorCode})";
            return false;
        }
    }
}
