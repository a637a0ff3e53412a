using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Executors.Resources.Http;

/// <summary>
/// The <c>http-ingress</c> resource: requests to the node's ingress server (<see cref="HttpIngressServer"/>) become
/// calls on output <c>new_request</c>. Configurations: <c>host</c> (required: the Host header served, as in EDGELESS,
/// e.g. <c>demo.example.com</c> or <c>127.0.0.1:7035</c>, a URL's host and port also work, <c>*</c> any host),
/// <c>methods</c> or <c>method</c> (comma list, default all), <c>wf_id</c> (optional: only requests whose path starts
/// with <c>/wf_id</c>, so workflows can share one host) and <c>async</c> (true: the request is cast and answered 200
/// at once).
/// </summary>
public sealed class HttpIngressExecutor(HttpIngressServer server) : IFunctionExecutor
{
    public string Kind => "http-ingress";

    public bool IsResource => true;

    public Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(context);
        var config = deployment.Resource?.Configurations ?? throw new ArgumentException($"{deployment.Name} is not a resource.", nameof(deployment));
        if (!config.TryGetValue("host", out var configuredHost) || string.IsNullOrWhiteSpace(configuredHost))
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (http-ingress) needs the configuration 'host': the Host header it serves, e.g. demo.example.com or 127.0.0.1:7035 ('*' for any host).");
        }

        string? host;
        try
        {
            host = HttpIngressRoute.NormalizeHost(configuredHost);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (http-ingress): configuration 'host' {ex.Message}", ex);
        }

        var methods = Methods(deployment.Name, config);
        string? prefix = null;
        if (config.TryGetValue("wf_id", out var workflow) && !string.IsNullOrWhiteSpace(workflow))
        {
            var trimmed = workflow.Trim().Trim('/');
            if (trimmed.Length == 0 || trimmed.Contains('/', StringComparison.Ordinal) || trimmed.Contains('?', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Resource {deployment.Name} (http-ingress): 'wf_id' must be one path segment, not '{workflow}'.");
            }

            prefix = "/" + trimmed;
        }

        var isAsync = false;
        if (config.TryGetValue("async", out var asyncText) && !string.IsNullOrWhiteSpace(asyncText) && !bool.TryParse(asyncText.Trim(), out isAsync))
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (http-ingress): 'async' must be true or false, not '{asyncText}'.");
        }

        var route = new HttpIngressRoute(context.Self, deployment.Name, host, methods, prefix, isAsync, context);
        return Task.FromResult<IFunctionInstance>(new Instance(server, route));
    }

    private static HashSet<string>? Methods(string name, IReadOnlyDictionary<string, string> config)
    {
        // EDGELESS documents "methods" but parts of its code read "method": both are accepted.
        var text = config.TryGetValue("methods", out var methods) && !string.IsNullOrWhiteSpace(methods) ? methods
            : config.TryGetValue("method", out var method) && !string.IsNullOrWhiteSpace(method) ? method
            : null;
        if (text is null)
        {
            return null;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!item.All(char.IsAsciiLetter))
            {
                throw new InvalidOperationException($"Resource {name} (http-ingress): '{item}' in 'methods' is not an HTTP method.");
            }

            set.Add(item.ToUpperInvariant());
        }

        return set.Count > 0 ? set : null;
    }

    private sealed class Instance(HttpIngressServer server, HttpIngressRoute route) : IFunctionInstance
    {
        public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
        {
            server.Add(route);
            return Task.CompletedTask;
        }

        // Events sent to the ingress itself have no meaning in EDGELESS either: they are ignored.
        public Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) => Task.FromResult(CallResult.NoReply);

        public Task StopAsync(CancellationToken cancellationToken)
        {
            server.Remove(route.Id);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            server.Remove(route.Id);
            return ValueTask.CompletedTask;
        }
    }
}
