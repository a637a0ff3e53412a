using System.Net;
using System.Net.Sockets;
using Granary.Grains.Controller;
using Granary.Grains.Events;
using Granary.Grains.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Streams;

namespace Granary.Client;

/// <summary>
/// The .NET entry point to a Granary cluster: start, stop and inspect workflows through the controller, list domains
/// and nodes, invoke function instances and follow a domain's events. It is an Orleans client: calls go through the
/// cluster's gateways (static ones, or those Redis membership lists); when one is lost, calls continue on the others.
/// </summary>
public sealed class GranaryClient : IAsyncDisposable
{
    private readonly IHost? _owned;
    private readonly IClusterClient? _cluster;

    private GranaryClient(IGrainFactory grains, IClusterClient? cluster, IHost? owned)
    {
        _owned = owned;
        _cluster = cluster;
        Grains = grains;
        var controller = grains.GetGrain<IControllerGrain>(IControllerGrain.Key);
        Workflows = new WorkflowsClient(controller);
        Domains = new DomainsClient(controller);
        Nodes = new NodesClient(controller);
        Functions = new FunctionsClient(grains, controller);
    }

    /// <summary>Workflows: start, stop, list, inspect.</summary>
    public WorkflowsClient Workflows { get; }

    /// <summary>Orchestration domains: list, inspect.</summary>
    public DomainsClient Domains { get; }

    /// <summary>Edge nodes: list, inspect.</summary>
    public NodesClient Nodes { get; }

    /// <summary>Logical functions: inspect, invoke instances.</summary>
    public FunctionsClient Functions { get; }

    /// <summary>The grain factory the client calls through, for calls this API does not cover.</summary>
    public IGrainFactory Grains { get; }

    /// <summary>
    /// Connects to the cluster of <paramref name="options"/>: through Redis membership when
    /// <see cref="GranaryClientOptions.Redis"/> is set, else through its static gateways (host names are resolved
    /// first). Fails with <see cref="ArgumentException"/> for a malformed endpoint and with
    /// <see cref="SiloUnavailableException"/> when no gateway answers within <see cref="GranaryClientOptions.ConnectTimeout"/>.
    /// </summary>
    public static async Task<GranaryClient> ConnectAsync(GranaryClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoints = new List<IPEndPoint>();
        if (options.Redis is not { Length: > 0 })
        {
            foreach (var gateway in options.Gateways)
            {
                endpoints.Add(IPEndPoint.Parse(await ResolveAsync(gateway, cancellationToken).ConfigureAwait(false)));
            }
        }

        StackExchange.Redis.ConfigurationOptions? redis = null;
        if (options.Redis is { Length: > 0 } url)
        {
            try
            {
                redis = RedisUrl.Parse(url);
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"The cluster's Redis: {ex.Message}", nameof(options), ex);
            }
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (redis is not null)
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = redis);
                client.AddRedisStreams(PlatformStreams.DefaultProvider, o => o.ConfigurationOptions = redis);
            }
            else
            {
                client.UseStaticClustering(endpoints.ToArray());
                client.AddMemoryStreams(PlatformStreams.DefaultProvider);
            }

            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
            client.Configure<ConnectionOptions>(o => o.OpenConnectionTimeout = options.ConnectTimeout);
            client.UseConnectionRetryFilter(new ConnectDeadline(options.ConnectTimeout));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            var where = redis is not null ? $"the gateways Redis {options.Redis} lists" : string.Join(", ", options.Gateways);
            throw new SiloUnavailableException($"No gateway of cluster '{options.ClusterId}' answers ({where}): {ex.GetBaseException().Message}");
        }

        var cluster = host.Services.GetRequiredService<IClusterClient>();
        return new GranaryClient(cluster, cluster, host);
    }

    /// <summary>A client over an existing grain factory (inside a silo, or a test cluster's client).</summary>
    public static GranaryClient FromGrainFactory(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return new GranaryClient(grains, grains as IClusterClient, null);
    }

    /// <summary>
    /// Calls <paramref name="onEvent"/> with every platform event of <paramref name="domainId"/> published from now on
    /// (instance lifecycle, performance samples, workflow and node events) until the returned handle is unsubscribed.
    /// Needs a client connected with <see cref="ConnectAsync"/> (or made from an <see cref="IClusterClient"/>).
    /// </summary>
    public async Task<StreamSubscriptionHandle<PlatformEvent>> SubscribeToEventsAsync(string domainId, Func<PlatformEvent, Task> onEvent, string provider = PlatformStreams.DefaultProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(domainId);
        ArgumentNullException.ThrowIfNull(onEvent);
        var cluster = _cluster ?? throw new InvalidOperationException("Events need a cluster client: connect with GranaryClient.ConnectAsync.");
        var stream = cluster.GetStreamProvider(provider).GetStream<PlatformEvent>(StreamId.Create(PlatformStreams.Namespace, domainId));
        return await stream.SubscribeAsync((item, _) => onEvent(item)).ConfigureAwait(false);
    }

    /// <summary>
    /// Parses <c>host:port</c> (an IPv6 host in brackets) and resolves the host to an IP address; throws
    /// <see cref="ArgumentException"/> naming the endpoint when it is malformed or the host cannot be resolved.
    /// </summary>
    public static async Task<string> ResolveAsync(string gateway, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (IPEndPoint.TryParse(gateway, out var parsed) && parsed.Port != 0)
        {
            return parsed.ToString();
        }

        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw new ArgumentException($"Gateway '{gateway}' is not host:port (for example 127.0.0.1:11111).", nameof(gateway));
        }

        var host = gateway[..colon].Trim('[', ']');
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ArgumentException($"Gateway '{gateway}': cannot resolve host '{host}': {ex.Message}", nameof(gateway), ex);
        }

        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"Gateway '{gateway}': host '{host}' has no address.", nameof(gateway));
        return new IPEndPoint(address, port).ToString();
    }

    /// <summary>Closes the gateway connections this client opened (none when made with <see cref="FromGrainFactory"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
        {
            try
            {
                await _owned.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            finally
            {
                _owned.Dispose();
            }
        }
    }

    /// <summary>Retries connecting to the gateways until the deadline, so a gateway that is still starting is waited for.</summary>
    private sealed class ConnectDeadline(TimeSpan timeout) : IClientConnectionRetryFilter
    {
        private readonly long _deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (Environment.TickCount64 + 250 > _deadline)
            {
                return false;
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }
}
