namespace Granary.Grains.Workflows;

/// <summary>
/// The resource <c>class_type</c> values Granary knows. A workflow naming any other class is rejected when parsed,
/// so an unknown class is reported before deployment instead of staying unplaceable.
/// </summary>
public static class ResourceClasses
{
    /// <summary>An HTTP server per node; each request becomes a call (or a cast when async) on output <c>new_request</c>.</summary>
    public const string HttpIngress = "http-ingress";

    /// <summary>Performs the HTTP request described by a call and replies with the response.</summary>
    public const string HttpEgress = "http-egress";

    /// <summary>Appends each received message as a line to <c>filename</c>.</summary>
    public const string FileLog = "file-log";

    /// <summary>Writes received values to Redis at <c>url</c>, key <c>key</c>.</summary>
    public const string Redis = "redis";

    /// <summary>Collects function and workflow timings cast on output <c>metric</c>.</summary>
    public const string MetricsCollector = "metrics-collector";

    /// <summary>Every known class, in the order used by error messages.</summary>
    public static IReadOnlyList<string> All { get; } = [HttpIngress, HttpEgress, FileLog, Redis, MetricsCollector];

    /// <summary>True when <paramref name="classType"/> is exactly (case-sensitively) one of <see cref="All"/>.</summary>
    public static bool IsKnown(string? classType) => classType is not null && All.Contains(classType, StringComparer.Ordinal);
}
