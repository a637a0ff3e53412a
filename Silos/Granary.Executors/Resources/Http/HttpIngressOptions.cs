namespace Granary.Executors.Resources.Http;

/// <summary>The node's http-ingress server (section Granary:Node:HttpIngress).</summary>
public sealed class HttpIngressOptions
{
    /// <summary>
    /// Where the node's one ingress server listens (EDGELESS's <c>http_ingress_url</c>), e.g. http://127.0.0.1:7035.
    /// Every http-ingress instance on the node shares it and picks its requests by Host header, method and
    /// <c>wf_id</c>. The default port 0 takes a free port, which the node logs at start.
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>
    /// How long a request waits for the reply of the <c>new_request</c> target before the client gets 504; default
    /// (null) the node's call timeout.
    /// </summary>
    public TimeSpan? RequestTimeout { get; set; }
}
