using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Platform;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Resources.Http;

/// <summary>
/// The <c>http-egress</c> resource: a call carrying a request JSON (<see cref="HttpRequestEnvelope"/>:
/// <c>{"method", "url", "headers", "body"}</c>) is performed with one node-wide <see cref="HttpClient"/> and answered
/// with the response JSON (<see cref="HttpResponseEnvelope"/>), whatever its status. A request that cannot be read
/// or performed (bad JSON, unsupported scheme, connection refused, no answer within the node's call timeout) is
/// answered with an error result naming the reason. A cast performs the request and drops the response.
/// </summary>
public sealed class HttpEgressExecutor : IFunctionExecutor, IDisposable
{
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;

    public HttpEgressExecutor(IOptions<NodeOptions> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _timeout = node.Value.CallTimeout;
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public string Kind => "http-egress";

    public bool IsResource => true;

    public Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Resource is null)
        {
            throw new ArgumentException($"{deployment.Name} is not a resource.", nameof(deployment));
        }

        return Task.FromResult<IFunctionInstance>(new Instance(this, deployment.Name));
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Performs the request described by <paramref name="message"/>; never throws for a bad request or a failed exchange.</summary>
    internal async Task<CallResult> PerformAsync(string component, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        HttpRequestEnvelope request;
        try
        {
            request = HttpEnvelopeJson.ReadRequest(message.Span);
        }
        catch (FormatException ex)
        {
            return CallResult.Error($"{component} (http-egress): bad request: {ex.Message}");
        }

        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return CallResult.Error($"{component} (http-egress): '{request.Url}' is not an absolute http or https URL.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var outgoing = Build(request, url);
            using var response = await _client.SendAsync(outgoing, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                headers[name] = string.Join(", ", values);
            }

            return CallResult.Reply(HttpEnvelopeJson.Write(new HttpResponseEnvelope((int)response.StatusCode, headers, body)));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return CallResult.Error($"{component} (http-egress): {request.Method} {url} got no response within {_timeout}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or FormatException or ArgumentException or IOException)
        {
            return CallResult.Error($"{component} (http-egress): {request.Method} {url} failed: {ex.Message}");
        }
    }

    private static HttpRequestMessage Build(HttpRequestEnvelope request, Uri url)
    {
        var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), url);
        if (request.Body.Length > 0)
        {
            outgoing.Content = new ByteArrayContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!outgoing.Headers.TryAddWithoutValidation(name, value))
            {
                outgoing.Content ??= new ByteArrayContent([]);
                if (!outgoing.Content.Headers.TryAddWithoutValidation(name, value))
                {
                    throw new FormatException($"header '{name}' cannot be sent");
                }
            }
        }

        return outgoing;
    }

    private sealed class Instance(HttpEgressExecutor executor, string component) : IFunctionInstance
    {
        public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
            executor.PerformAsync(component, message, cancellationToken);

        public Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
            executor.PerformAsync(component, message, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
