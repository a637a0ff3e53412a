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
public sealed partial class NodeMetricsEndpoint(IOptions<NodeOptions> options, ILocalSiloDetails silo, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
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
        if (request.Path != "/metrics")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.Body.WriteAsync("Not found: metrics are at /metrics\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus metrics at {Address}")]
    private static partial void LogListening(ILogger logger, Uri address);
}
