using System.Collections.Concurrent;
using System.Text;
using Granary.Executors.Resources.Http;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Executors.Tests;

/// <summary>Requests the HTTP test functions received, by the test key in their init-payload.</summary>
public static class HttpObserved
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<HttpRequestEnvelope>> Requests = new();

    public static void Add(string key, HttpRequestEnvelope request) => Requests.GetOrAdd(key, _ => new()).Enqueue(request);

    public static List<HttpRequestEnvelope> Of(string key) => Requests.TryGetValue(key, out var q) ? [.. q] : [];
}

/// <summary>
/// Answers an http-ingress call with 201, the request's method and path in headers, the <c>tag</c> of its init-payload
/// in X-Served-By, and "echo " + the request body.
/// </summary>
public sealed class HttpEchoFunction : GranaryFunction
{
    private string _tag = string.Empty;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _tag = InitPayload.Parse(initPayload).GetValueOrDefault("tag", string.Empty);
        return Task.CompletedTask;
    }

    public override Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var request = HttpEnvelopeJson.ReadRequest(message.Span);
        var headers = new Dictionary<string, string>
        {
            ["X-Echo-Method"] = request.Method,
            ["X-Echo-Path"] = request.Path,
            ["X-Echo-Host"] = request.Host ?? string.Empty,
            ["X-Served-By"] = _tag,
            ["Content-Type"] = "text/plain; charset=utf-8",
        };
        var body = Encoding.UTF8.GetBytes("echo " + Encoding.UTF8.GetString(request.Body));
        return Task.FromResult(CallResult.Reply(HttpEnvelopeJson.Write(new HttpResponseEnvelope(201, headers, body))));
    }
}

/// <summary>Records every request cast to it (async http-ingress) under the <c>key</c> of its init-payload.</summary>
public sealed class HttpRecorderFunction : GranaryFunction
{
    private string _key = string.Empty;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _key = InitPayload.Parse(initPayload)["key"];
        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        HttpObserved.Add(_key, HttpEnvelopeJson.ReadRequest(message.Span));
        return Task.CompletedTask;
    }
}

/// <summary>Answers a call only after three seconds.</summary>
public sealed class SlowHttpFunction : GranaryFunction
{
    public override async Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        return CallResult.Reply(HttpEnvelopeJson.Write(new HttpResponseEnvelope(200, new Dictionary<string, string>(), [])));
    }
}

/// <summary>
/// Turns an http-ingress request into a GET of <c>url</c> (init-payload) + the request's path through its output
/// <c>egress</c>, and answers with whatever http-egress replied.
/// </summary>
public sealed class HttpProxyFunction : GranaryFunction
{
    private string _url = string.Empty;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _url = InitPayload.Parse(initPayload)["url"];
        return Task.CompletedTask;
    }

    public override async Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var incoming = HttpEnvelopeJson.ReadRequest(message.Span);
        var outgoing = new HttpRequestEnvelope("GET", _url.TrimEnd('/') + incoming.Path, null, incoming.Path, new Dictionary<string, string> { ["X-Via"] = "proxy" }, []);
        return await Context.CallAsync("egress", HttpEnvelopeJson.Write(outgoing), cancellationToken);
    }
}

/// <summary>Workflow pieces for the HTTP resource tests.</summary>
public static class HttpWorkflows
{
    public static ResourceSpec Ingress(string name, string target, Dictionary<string, string> configurations) =>
        new(name, ResourceClasses.HttpIngress)
        {
            OutputMapping = new Dictionary<string, string> { ["new_request"] = target },
            Configurations = configurations,
        };
}
