using System.Text;
using Granary.Executors.Http;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Resources.Http;

/// <summary>
/// The node's one HTTP ingress server, shared by every http-ingress instance on the node. A request goes to the
/// instance whose <c>wf_id</c> prefixes its path (instances without one come after), whose host matches the Host
/// header and whose methods include the request's; it becomes a call (or, with <c>async</c>, a cast) on the
/// instance's output <c>new_request</c>. Status codes: 404 when no instance serves the host and path, 405 when none
/// allows the method, 504 when the call gets no answer before its deadline, 502 when the answer is an error or not an
/// HTTP response, 204 when the target chose not to reply.
/// </summary>
public sealed partial class HttpIngressServer(IOptions<HttpIngressOptions> options, IOptions<NodeOptions> node, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    /// <summary>The output on which requests leave an http-ingress instance.</summary>
    public const string Output = "new_request";

    private static readonly HashSet<string> SkippedResponseHeaders = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade" };

    private readonly ILogger _logger = loggerFactory.CreateLogger<HttpIngressServer>();
    private readonly Lock _lock = new();
    private HttpIngressRoute[] _routes = [];
    private EmbeddedHttpServer? _server;

    /// <summary>The address the server listens on, once started.</summary>
    public Uri? Address => _server?.Address;

    private TimeSpan Timeout => options.Value.RequestTimeout ?? node.Value.CallTimeout;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = EmbeddedHttpServer.ParseEndpoint(options.Value.Url);
        try
        {
            _server = await EmbeddedHttpServer.StartAsync(endpoint, HandleAsync, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException($"The http-ingress server cannot listen on {options.Value.Url} (Granary:Node:HttpIngress:Url): {ex.Message}", ex);
        }

        LogListening(_logger, node.Value.NodeId, _server.Address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    internal void Add(HttpIngressRoute route)
    {
        lock (_lock)
        {
            // Instances bound to a workflow prefix are more specific: they are tried first, then in arrival order.
            _routes = [.. _routes.Where(r => r.Id != route.Id).Append(route).OrderBy(r => r.WorkflowPrefix is null)];
        }
    }

    internal void Remove(InstanceId id)
    {
        lock (_lock)
        {
            _routes = [.. _routes.Where(r => r.Id != id)];
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var host = request.Host.HasValue ? request.Host.Value! : _server?.Address.Authority ?? string.Empty;
        var path = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.Path.ToString() + request.QueryString;
        var candidates = Volatile.Read(ref _routes).Where(r => r.MatchesHost(host) && r.MatchesPath(path)).ToList();
        if (candidates.Count == 0)
        {
            await RespondAsync(context, StatusCodes.Status404NotFound, $"No http-ingress on this node serves host '{host}' and path '{path}'.").ConfigureAwait(false);
            return;
        }

        var route = candidates.FirstOrDefault(r => r.Allows(request.Method));
        if (route is null)
        {
            var allowed = candidates.SelectMany(r => r.Methods ?? Enumerable.Empty<string>()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            context.Response.Headers.Allow = string.Join(", ", allowed);
            await RespondAsync(context, StatusCodes.Status405MethodNotAllowed, $"The http-ingress for host '{host}' does not accept {request.Method}.").ConfigureAwait(false);
            return;
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var payload = HttpEnvelopeJson.Write(new HttpRequestEnvelope(request.Method, $"{request.Scheme}://{host}{path}", host, path, headers, body.ToArray()));
        if (route.IsAsync)
        {
            route.Context.Cast(Output, payload);
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        await ForwardCallAsync(context, route, payload).ConfigureAwait(false);
    }

    private async Task ForwardCallAsync(HttpContext context, HttpIngressRoute route, byte[] payload)
    {
        var timeout = Timeout;
        CallResult result;
        try
        {
            result = await route.Context.CallAsync(Output, payload, context.RequestAborted).WaitAsync(timeout, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Worded as the node's own call timeout, which races with this one when both have the same length.
            await RespondAsync(context, StatusCodes.Status504GatewayTimeout, $"{route.Component}: the call on '{Output}' {NodeRuntime.NoAnswerError} {timeout}.").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        switch (result.Kind)
        {
            case CallResultKind.NoReply:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case CallResultKind.Error:
                var gatewayTimeout = result.Text.Contains(NodeRuntime.NoAnswerError, StringComparison.Ordinal);
                await RespondAsync(context, gatewayTimeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway, $"{route.Component}: the call on '{Output}' failed: {result.Text}").ConfigureAwait(false);
                return;
        }

        HttpResponseEnvelope response;
        try
        {
            response = HttpEnvelopeJson.ReadResponse(result.Payload);
        }
        catch (FormatException ex)
        {
            await RespondAsync(context, StatusCodes.Status502BadGateway, $"{route.Component}: the reply on '{Output}' is not an HTTP response: {ex.Message}").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            if (!SkippedResponseHeaders.Contains(name))
            {
                context.Response.Headers.Append(name, value);
            }
        }

        if (response.Body.Length > 0)
        {
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task RespondAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(message + "\n"), context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP ingress of node {Node} listening on {Address}")]
    private static partial void LogListening(ILogger logger, Guid node, Uri address);
}
