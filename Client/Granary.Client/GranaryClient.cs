using System.Net;
using System.Net.Sockets;
using Granary.Grains.Controller;
using Granary.Runtime.Client;

namespace Granary.Client;

/// <summary>
/// The .NET entry point to a Granary cluster: start, stop and inspect workflows through the controller, list domains
/// and nodes, and invoke function instances. Every call goes through the cluster's gateways; when one is lost, calls
/// continue on the others.
/// </summary>
public sealed class GranaryClient : IAsyncDisposable
{
    private readonly ClusterClient? _owned;

    private GranaryClient(IGrainFactory grains, ClusterClient? owned)
    {
        _owned = owned;
        Grains = grains;
        var controller = grains.GetGrain<IControllerGrain>(IControllerGrain.Key);
        Workflows = new WorkflowsClient(controller);
        Domains = new DomainsClient(controller);
        Nodes = new NodesClient(controller);
        Functions = new FunctionsClient(grains, controller);
    }

    /// <summary>Workflows: start, stop, list, inspect.</summary>
    public WorkflowsClient Workflows { get; }

    /// <summary>Orchestration domains registered with the controller.</summary>
    public DomainsClient Domains { get; }

    /// <summary>Edge nodes of the registered domains.</summary>
    public NodesClient Nodes { get; }

    /// <summary>Direct invocation of function instances.</summary>
    public FunctionsClient Functions { get; }

    /// <summary>The grain factory the client calls through, for calls this API does not cover.</summary>
    public IGrainFactory Grains { get; }

    /// <summary>
    /// Connects to the gateways of <paramref name="options"/>. Host names are resolved first; fails with
    /// <see cref="ArgumentException"/> for a malformed endpoint and <see cref="SiloUnavailableException"/> when no
    /// gateway answers.
    /// </summary>
    public static async Task<GranaryClient> ConnectAsync(GranaryClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoints = new List<string>();
        foreach (var gateway in options.Gateways)
        {
            endpoints.Add(await ResolveAsync(gateway, cancellationToken).ConfigureAwait(false));
        }

        var client = new ClusterClient(new ClientOptions
        {
            ClusterId = options.ClusterId,
            Gateways = endpoints,
            ResponseTimeout = options.ResponseTimeout,
            ConnectTimeout = options.ConnectTimeout,
        });
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new GranaryClient(client, client);
    }

    /// <summary>
    /// A client over an existing connection (a silo's or a test cluster's grain factory); disposing it leaves that
    /// connection open.
    /// </summary>
    public static GranaryClient FromGrainFactory(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return new GranaryClient(grains, null);
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
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }
}
