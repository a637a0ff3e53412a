using System.Text;
using Granary.Executors.Http;
using Granary.Grains.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Telemetry;

/// <summary>
/// The node's Prometheus endpoint: <c>GET /metrics</c> on <see cref="NodeOptions.MetricsAddress"/>:<see
/// cref="NodeOptions.MetricsPort"/> (off when the port is 0) exports this silo's Granary meters: the runtime's
/// (<c>Granary.Grains</c>: grain calls, errors and latency per grain type and method) and the node's (<c>Granary.Node</c>: instances,
/// events and execution time per instance, lifecycle counters, health gauges). Meters of other silos in the same
/// process (test clusters) are told apart by their <c>silo</c> tag and left out.
/// </summary>
/// <remarks>
/// The same port answers the node's latest usage sample (protection's, see <see cref="NodeUsageSampler"/>) as JSON
/// shaped like the Glances REST API FRACTAL reads, under <c>/api/4/</c> (see <see cref="NodeUsageJson"/>).
/// </remarks>
public sealed partial class NodeMetricsEndpoint(IOptions<NodeOptions> options, ILocalSiloDetails silo, ILoggerFactory loggerFactory, NodeUsageSampler usage)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<NodeMetricsEndpoint>();
    private MeterCollector? _collector;
    private EmbeddedHttpServer? _server;

    /// <summary>The endpoint's base address once started (null when disabled); scrape <c>Address + "metrics"</c>.</summary>
    public Uri? Address => _server?.Address;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.MetricsPort;
        if (port <= 0)
        {
            return;
        }

        var siloName = silo.Name;
        _collector = new MeterCollector(meter => meter.Name.StartsWith("Granary.", StringComparison.Ordinal) && (SiloOf(meter) is not { } owner || owner == siloName));
        var endpoint = EmbeddedHttpServer.ParseEndpoint(options.Value.MetricsAddress, port);
        try
        {
            _server = await EmbeddedHttpServer.StartAsync(endpoint, HandleAsync, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            _collector.Dispose();
            throw new InvalidOperationException($"The metrics endpoint cannot listen on {endpoint} (Granary:Node:MetricsAddress and MetricsPort): {ex.Message}", ex);
        }

        LogListening(_logger, new Uri(_server.Address, "metrics"));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        Interlocked.Exchange(ref _collector, null)?.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    private static string? SiloOf(System.Diagnostics.Metrics.Meter meter) =>
        meter.Tags?.FirstOrDefault(t => t.Key == "silo").Value as string;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/api/4", StringComparison.Ordinal) && HttpMethods.IsGet(request.Method))
        {
            await ServeUsageAsync(context).ConfigureAwait(false);
            return;
        }

        if (request.Path != "/metrics")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.Body.WriteAsync("Not found: metrics are at /metrics, usage at /api/4/quicklook\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return;
        }

        var collector = _collector;
        if (collector is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var body = Encoding.UTF8.GetBytes(collector.Scrape());
        context.Response.ContentType = PrometheusTextFormat.ContentType;
        context.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Answers <c>GET /api/4/PLUGIN</c> with the latest usage sample (503 before the first, 404 for another plugin).</summary>
    private async Task ServeUsageAsync(HttpContext context)
    {
        var plugin = context.Request.Path.Value!.Substring(NodeUsageJson.Prefix.Length - 1).Trim('/');
        var latest = usage.Latest ?? usage.SampleNow();
        var json = latest is null ? null : NodeUsageJson.Render(plugin, latest, new NodeProbePaths().DiskPath);
        if (json is null)
        {
            context.Response.StatusCode = latest is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status404NotFound;
            var message = latest is null ? "No usage sample yet\n" : $"Not found: plugins are {string.Join(", ", NodeUsageJson.Plugins)}\n";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(message), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var body = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus metrics at {Address}")]
    private static partial void LogListening(ILogger logger, Uri address);
}
