using System.Net.Sockets;
using System.Text;
using Docker.DotNet;

namespace Granary.Executors.Container;

/// <summary>
/// The node's Docker Engine: which unix socket it listens on, whether it answers, and one Docker.DotNet client for it
/// that speaks the API version the engine itself reports (asked once, on first use), so requests never use a version
/// newer than the engine knows, whatever the library's own default is.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    /// <summary>The socket the engine listens on when neither the options nor DOCKER_HOST name one.</summary>
    public const string DefaultSocketPath = "/var/run/docker.sock";

    private const string UnixScheme = "unix://";
    private readonly object _gate = new();
    private Task<IDockerClient>? _client;
    private bool _disposed;

    /// <summary>An engine on <paramref name="socketPath"/>; nothing is sent until <see cref="GetClientAsync"/>.</summary>
    public DockerEngine(string socketPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(socketPath);
        SocketPath = socketPath;
    }

    /// <summary>The engine's unix socket.</summary>
    public string SocketPath { get; }

    /// <summary>The API version the client speaks: the engine's own, known once <see cref="GetClientAsync"/> succeeded.</summary>
    public Version? ApiVersion { get; private set; }

    /// <summary>
    /// The configured path wins; otherwise a <c>unix://</c> DOCKER_HOST; otherwise <see cref="DefaultSocketPath"/>. A
    /// DOCKER_HOST with another scheme is refused (<see cref="NotSupportedException"/>) rather than silently ignored,
    /// since the user meant another engine.
    /// </summary>
    public static string ResolveSocketPath(string? configuredPath, string? dockerHost)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return configuredPath;
        }

        if (string.IsNullOrWhiteSpace(dockerHost))
        {
            return DefaultSocketPath;
        }

        if (!dockerHost.StartsWith(UnixScheme, StringComparison.Ordinal) || dockerHost.Length == UnixScheme.Length)
        {
            throw new NotSupportedException(
                $"DOCKER_HOST={dockerHost} is not supported: Granary nodes reach their Docker Engine on a unix socket (unix:///path); set Granary:Containers:DockerSocketPath to override DOCKER_HOST");
        }

        return dockerHost[UnixScheme.Length..];
    }

    /// <summary>
    /// Tells synchronously whether an engine answers <c>GET /_ping</c> with 200 on <paramref name="socketPath"/> within
    /// <paramref name="timeout"/>: for decisions taken while services are registered (a node offers CONTAINER only when
    /// its engine answers), where nothing can be awaited yet. False, with the reason in <paramref name="failure"/>,
    /// when there is no socket, nobody accepts, the answer is not 200 or it is too slow. Never throws for those.
    /// </summary>
    public static bool IsReachable(string socketPath, TimeSpan timeout, out string? failure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(socketPath);
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

    /// <summary>
    /// The client, made on first call: the engine's version is read with an unversioned request, then the client is
    /// built for exactly that API version. A failure (engine down) is not kept: the next call asks again.
    /// </summary>
    public Task<IDockerClient> GetClientAsync(CancellationToken cancellationToken = default)
    {
        Task<IDockerClient> client;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_client is null || _client.IsFaulted || _client.IsCanceled)
            {
                _client = ConnectAsync();
            }

            client = _client;
        }

        return client.WaitAsync(cancellationToken);
    }

    /// <summary>Closes the client.</summary>
    public void Dispose()
    {
        Task<IDockerClient>? client;
        lock (_gate)
        {
            _disposed = true;
            client = _client;
            _client = null;
        }

        // A client still being made is closed as soon as it is there.
        _ = client?.ContinueWith(
            made => made.Result.Dispose(),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<IDockerClient> ConnectAsync()
    {
        var endpoint = new Uri(UnixScheme + SocketPath);
        Version version;
        using (var probe = new DockerClientBuilder().WithEndpoint(endpoint).Build())
        {
            var reported = await probe.System.GetVersionAsync().ConfigureAwait(false);
            version = Version.TryParse(reported.APIVersion, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"The Docker Engine at {SocketPath} reported API version '{reported.APIVersion}', which is not a version.");
        }

        ApiVersion = version;
        return new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(version).Build();
    }
}
