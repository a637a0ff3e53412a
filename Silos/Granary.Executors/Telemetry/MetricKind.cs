namespace Granary.Executors.Telemetry;

/// <summary>The Prometheus metric type an instrument is exported as.</summary>
internal enum MetricKind
{
    /// <summary>Counter and ObservableCounter: a running total, name suffixed <c>_total</c>.</summary>
    Counter,

    /// <summary>UpDownCounter, ObservableUpDownCounter, Gauge and ObservableGauge: a value that goes up and down.</summary>
    Gauge,

    /// <summary>Histogram: cumulative buckets, sum and count.</summary>
    Histogram,
}
