namespace Granary.Executors.Resources;

/// <summary>Configuration of the <c>metrics-collector</c> resource class on a node (section Granary:Proxy).</summary>
public sealed class MetricsCollectorOptions
{
    /// <summary>
    /// The proxy Redis the metrics go to (<c>redis://host:port[/db]</c>), normally the orchestrator's proxy URL. A
    /// resource's own <c>url</c> configuration overrides it. Without either, starting a collector fails with a
    /// message saying so.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// Smoothing factor of the averages: <c>average = Alpha × sample + (1 − Alpha) × previous average</c>, the first
    /// sample being the first average. Default 0.9 (the seed collector's value): the newest sample weighs most.
    /// Must be in (0, 1].
    /// </summary>
    public double Alpha { get; set; } = 0.9;

    /// <summary>
    /// Most begin events kept waiting for their end, per collector instance; begins beyond that are ignored (with a
    /// warning), so a function that never sends its ends costs bounded memory.
    /// </summary>
    public int MaxPendingBegins { get; set; } = 10_000;

    /// <summary>Most writes kept waiting while Redis is unreachable; the oldest are dropped beyond that.</summary>
    public int MaxQueuedWrites { get; set; } = 10_000;
}
