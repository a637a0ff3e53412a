using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Granary.Executors.Telemetry;

/// <summary>
/// The series of one instrument, named and scaled for Prometheus: <c>granary.grain.call_duration</c> in ms becomes
/// <c>granary_grain_call_duration_seconds</c>, a counter gets <c>_total</c>. The meter's tags (silo, node) are labels
/// of every series.
/// </summary>
internal sealed class InstrumentSeries
{
    private static readonly double[] SecondsBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] PlainBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly ConcurrentDictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Key, object? Value), MetricSeries> _singleTag = new();
    private readonly string _meterLabels;
    private readonly double _scale;
    private MetricSeries? _untagged;

    public InstrumentSeries(Instrument instrument)
    {
        Instrument = instrument;
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        Kind = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? MetricKind.Counter
            : definition == typeof(Histogram<>) ? MetricKind.Histogram
            : MetricKind.Gauge;
        IsObservable = instrument.IsObservable;
        IsCumulative = !IsObservable && (definition == typeof(Counter<>) || definition == typeof(UpDownCounter<>));
        var (suffix, scale) = UnitSuffix(instrument.Unit);
        _scale = scale;
        var name = Sanitize(instrument.Name);
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        Name = Kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
        Help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
        Bounds = suffix == "_seconds" ? SecondsBuckets : PlainBuckets;
        var meterLabels = new StringBuilder();
        foreach (var tag in instrument.Meter.Tags ?? [])
        {
            AppendLabel(meterLabels, tag.Key, tag.Value);
        }

        _meterLabels = meterLabels.ToString();
    }

    public Instrument Instrument { get; }

    /// <summary>The metric name in the exposition (the family name; histogram samples add _bucket, _sum, _count).</summary>
    public string Name { get; }

    public string Help { get; }

    public MetricKind Kind { get; }

    /// <summary>Observable instruments report their current values at each scrape.</summary>
    public bool IsObservable { get; }

    /// <summary>True when measurements are increments to add up (counters, up-down counters), false when each one replaces the value.</summary>
    public bool IsCumulative { get; }

    public IReadOnlyList<double> Bounds { get; }

    public IEnumerable<MetricSeries> Series => _series.Values;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        value *= _scale;
        if (Kind == MetricKind.Histogram)
        {
            series.Observe(value, Bounds);
        }
        else if (IsCumulative)
        {
            series.Add(value);
        }
        else
        {
            series.Set(value);
        }
    }

    /// <summary>Forgets every series (before observable instruments report again, so series of gone instances vanish).</summary>
    public void Clear()
    {
        _untagged = null;
        _singleTag.Clear();
        _series.Clear();
    }

    /// <summary>Prometheus metric and label names: [a-zA-Z_:][a-zA-Z0-9_:]*, anything else becomes '_'.</summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>A label value in exposition form: backslash, double quote and line feed escaped.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private MetricSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return _untagged ??= _series.GetOrAdd(_meterLabels, l => new MetricSeries(l, Bounds.Count));
        }

        if (tags.Length == 1)
        {
            var key = (tags[0].Key, tags[0].Value);
            if (_singleTag.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var labels = Labels(tags);
            return _singleTag.GetOrAdd(key, _series.GetOrAdd(labels, l => new MetricSeries(l, Bounds.Count)));
        }

        return _series.GetOrAdd(Labels(tags), l => new MetricSeries(l, Bounds.Count));
    }

    private string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var builder = new StringBuilder(_meterLabels);
        foreach (var tag in tags)
        {
            AppendLabel(builder, tag.Key, tag.Value);
        }

        return builder.ToString();
    }

    private static void AppendLabel(StringBuilder builder, string key, object? value)
    {
        if (builder.Length > 0)
        {
            builder.Append(',');
        }

        builder.Append(Sanitize(key)).Append("=\"").Append(EscapeLabelValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)).Append('"');
    }

    private static (string Suffix, double Scale) UnitSuffix(string? unit) => unit switch
    {
        "s" => ("_seconds", 1),
        "ms" => ("_seconds", 1e-3),
        "us" or "μs" => ("_seconds", 1e-6),
        "ns" => ("_seconds", 1e-9),
        "By" => ("_bytes", 1),
        "%" => ("_percent", 1),
        _ => (string.Empty, 1),
    };
}
