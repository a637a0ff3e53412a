using Granary.Grains.Functions;
using Granary.Grains.Identity;

namespace Granary.Executors.Resources.Http;

/// <summary>
/// Which requests one http-ingress instance takes: a Host (any when null; without a port it matches every port), a set
/// of methods (all when null) and a path prefix <c>/wf_id</c> (none when null).
/// </summary>
internal sealed class HttpIngressRoute(InstanceId id, string component, string? host, IReadOnlySet<string>? methods, string? workflowPrefix, bool isAsync, IFunctionContext context)
{
    public InstanceId Id { get; } = id;

    public string Component { get; } = component;

    public string? Host { get; } = host;

    public IReadOnlySet<string>? Methods { get; } = methods;

    public string? WorkflowPrefix { get; } = workflowPrefix;

    public bool IsAsync { get; } = isAsync;

    public IFunctionContext Context { get; } = context;

    public bool MatchesHost(string requestHost)
    {
        if (Host is null)
        {
            return true;
        }

        if (string.Equals(requestHost, Host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return !HasPort(Host) && string.Equals(StripPort(requestHost), Host, StringComparison.OrdinalIgnoreCase);
    }

    public bool MatchesPath(string path) =>
        WorkflowPrefix is null
        || path == WorkflowPrefix
        || (path.StartsWith(WorkflowPrefix, StringComparison.Ordinal) && path[WorkflowPrefix.Length] is '/' or '?');

    public bool Allows(string method) => Methods is null || Methods.Contains(method);

    /// <summary>
    /// The host part of a <c>host</c> configuration: a URL keeps its authority (http://demo.example.com:8080/x gives
    /// demo.example.com:8080), anything after a '/' is dropped; "*" or empty means any host.
    /// </summary>
    public static string? NormalizeHost(string configured)
    {
        var text = configured.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            text = Uri.TryCreate(text, UriKind.Absolute, out var uri)
                ? (uri.IsDefaultPort ? uri.Host : uri.Authority)
                : throw new FormatException($"'{configured}' is not a valid URL.");
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            text = text[..slash];
        }

        return text is "" or "*" ? null : text;
    }

    private static bool HasPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(']', StringComparison.Ordinal) < colon;
    }

    private static string StripPort(string host) => HasPort(host) ? host[..host.LastIndexOf(':')] : host;
}
