using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Container;

/// <summary>
/// The node's host API: the function-to-node half of the container protocol, one Kestrel listener on 127.0.0.1
/// per node, started with the first container function. A request names its instance by the secret token the
/// instance got in <c>GRANARY_TOKEN</c>; the operation (cast, cast_raw, call, call_raw, delayed_cast, telemetry_log,
/// slf, sync) is the path, its parameters the query string and the payload the raw body. See README.md.
/// </summary>
internal sealed partial class ContainerHostApi(ContainerExecutorOptions options, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IFunctionContext> _instances = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private WebApplication? _app;
    private volatile string? _endpoint;

    /// <summary>Starts the listener unless it runs, and returns its address as <c>127.0.0.1:PORT</c>.</summary>
    public async Task<string> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is { } running)
        {
            return running;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_endpoint is null)
            {
                var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
                builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
                {
                    k.AddServerHeader = false;
                    k.Listen(IPAddress.Loopback, options.HostApiPort);
                });
                var app = builder.Build();
                app.Run(HandleAsync);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
                _app = app;
                _endpoint = new Uri(address).Authority;
                LogListening(logger, _endpoint);
            }

            return _endpoint;
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Admits an instance: returns the token its requests must carry.</summary>
    public string Register(IFunctionContext context)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _instances[token] = context;
        return token;
    }

    /// <summary>Refuses the token's requests from now on.</summary>
    public void Unregister(string token) => _instances.TryRemove(token, out _);

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _startGate.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var token = request.Headers[ContainerProtocol.TokenHeader].ToString();
        if (token.Length == 0 || !_instances.TryGetValue(token, out var context))
        {
            await AnswerAsync(http, StatusCodes.Status403Forbidden, $"missing or unknown {ContainerProtocol.TokenHeader}").ConfigureAwait(false);
            return;
        }

        var operation = request.Path.Value?.Trim('/') ?? string.Empty;
        if (!HttpMethods.IsPost(request.Method) && !(operation == "slf" && HttpMethods.IsGet(request.Method)))
        {
            await AnswerAsync(http, StatusCodes.Status405MethodNotAllowed, $"{request.Method} /{operation}: the host API takes POST (GET also for /slf)").ConfigureAwait(false);
            return;
        }

        try
        {
            await HandleAsync(http, operation, context).ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext http, string operation, IFunctionContext context)
    {
        var query = http.Request.Query;
        var aborted = http.RequestAborted;
        switch (operation)
        {
            case "cast":
                context.Cast(Required(query, "channel"), await ReadBodyAsync(http).ConfigureAwait(false));
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case "cast_raw":
                context.CastRaw(Target(query), await ReadBodyAsync(http).ConfigureAwait(false));
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case "call":
            {
                var channel = Required(query, "channel");
                var payload = await ReadBodyAsync(http).ConfigureAwait(false);
                await AnswerCallAsync(http, channel, token => context.CallAsync(channel, payload, token)).ConfigureAwait(false);
                break;
            }

            case "call_raw":
            {
                var target = Target(query);
                var payload = await ReadBodyAsync(http).ConfigureAwait(false);
                await AnswerCallAsync(http, target.ToString(), token => context.CallRawAsync(target, payload, token)).ConfigureAwait(false);
                break;
            }

            case "delayed_cast":
            {
                var delay = Required(query, "delay_ms");
                if (!long.TryParse(delay, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
                {
                    throw new BadRequestException($"delay_ms must be a non-negative integer, not '{delay}'");
                }

                context.DelayedCast(TimeSpan.FromMilliseconds(milliseconds), Required(query, "channel"), await ReadBodyAsync(http).ConfigureAwait(false));
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            }

            case "telemetry_log":
            {
                var level = Level(query["level"].ToString());
                var message = Encoding.UTF8.GetString(await ReadBodyAsync(http).ConfigureAwait(false));
                context.TelemetryLog(level, query["target"].ToString(), message);
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            }

            case "slf":
                await AnswerAsync(http, StatusCodes.Status200OK, context.Self.ToString()).ConfigureAwait(false);
                break;
            case "sync":
                await context.SyncAsync(await ReadBodyAsync(http).ConfigureAwait(false), aborted).ConfigureAwait(false);
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await AnswerAsync(http, StatusCodes.Status404NotFound,
                    $"unknown host API operation '/{operation}' (cast, cast_raw, call, call_raw, delayed_cast, telemetry_log, slf, sync)").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Waits for the callee (at most <see cref="ContainerExecutorOptions.CallTimeout"/>): 200 reply, 204 no reply, 502 error.</summary>
    private async Task AnswerCallAsync(HttpContext http, string target, Func<CancellationToken, Task<CallResult>> call)
    {
        CallResult result;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted))
        {
            timeout.CancelAfter(options.CallTimeout);
            try
            {
                result = await call(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
                result = CallResult.Error($"call to {target} got no answer within {options.CallTimeout.TotalMilliseconds:0} ms");
            }
        }

        switch (result.Kind)
        {
            case CallResultKind.Reply:
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "application/octet-stream";
                await http.Response.Body.WriteAsync(result.Payload, http.RequestAborted).ConfigureAwait(false);
                break;
            case CallResultKind.NoReply:
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                LogCallFailed(logger, target, result.Text);
                await AnswerAsync(http, StatusCodes.Status502BadGateway, result.Text).ConfigureAwait(false);
                break;
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted).ConfigureAwait(false);
        return body.ToArray();
    }

    private static string Required(IQueryCollection query, string name) =>
        query[name].ToString() is { Length: > 0 } value ? value : throw new BadRequestException($"the query parameter '{name}' is missing");

    private static InstanceId Target(IQueryCollection query)
    {
        var node = Required(query, "node");
        var component = Required(query, "component");
        return Guid.TryParse(node, out var nodeId) && Guid.TryParse(component, out var componentId)
            ? new InstanceId(nodeId, componentId)
            : throw new BadRequestException($"node and component must be UUIDs, not '{node}' and '{component}'");
    }

    /// <summary>1..5 or error, warn, info, debug, trace; missing means info.</summary>
    private static TelemetryLevel Level(string level) => level.ToLowerInvariant() switch
    {
        "" or "3" or "info" => TelemetryLevel.Info,
        "1" or "error" => TelemetryLevel.Error,
        "2" or "warn" => TelemetryLevel.Warn,
        "4" or "debug" => TelemetryLevel.Debug,
        "5" or "trace" => TelemetryLevel.Trace,
        _ => throw new BadRequestException($"level must be 1..5 or error, warn, info, debug, trace, not '{level}'"),
    };

    private static async Task AnswerAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(text, http.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Container function host API listening on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container function call to {Target} failed: {Reason}")]
    private static partial void LogCallFailed(ILogger logger, string target, string reason);

    private sealed class BadRequestException(string message) : Exception(message);
}
