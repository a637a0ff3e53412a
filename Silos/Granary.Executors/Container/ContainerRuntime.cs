using System.Collections.Concurrent;
using System.Net.Sockets;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Container;

/// <summary>What the container instances of one node share: the engine, the HTTP client to functions, the host API, the live instances.</summary>
internal sealed class ContainerRuntime(DockerEngine engine, ContainerExecutorOptions options, ILogger logger)
{
    private readonly ConcurrentDictionary<ContainerFunctionInstance, bool> _live = new();

    public DockerEngine Engine { get; } = engine;

    public ContainerExecutorOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public ContainerHostApi HostApi { get; } = new(options, logger);

    /// <summary>
    /// Node-to-function requests: loopback only, never through a proxy, one connection per request. Simple servers
    /// (busybox httpd) close the connection after each answer without saying so; a pooled connection could then be
    /// reused just as it closes and the event would fail, so connections are never pooled.
    /// </summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public ICollection<ContainerFunctionInstance> Live => _live.Keys;

    /// <summary>A container id as <c>docker ps</c> shows it (its first 12 characters), for logs and messages.</summary>
    public static string ShortId(string id) => id.Length > 12 ? id[..12] : id;

    /// <summary>
    /// True for what the engine or the way to it can throw: an error answer (<see cref="DockerApiException"/>, a
    /// missing image or container among them), an unreachable or broken socket, a request that took too long.
    /// </summary>
    public static bool IsEngineFailure(Exception e) =>
        e is DockerApiException or HttpRequestException or IOException or SocketException or TimeoutException;

    /// <summary>The engine's client (see <see cref="DockerEngine.GetClientAsync"/>).</summary>
    public Task<IDockerClient> DockerAsync(CancellationToken cancellationToken = default) => Engine.GetClientAsync(cancellationToken);

    public void Started(ContainerFunctionInstance instance) => _live[instance] = true;

    public void Ended(ContainerFunctionInstance instance) => _live.TryRemove(instance, out _);
}
