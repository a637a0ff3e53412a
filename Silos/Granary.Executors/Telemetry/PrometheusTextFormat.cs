using System.Globalization;
using System.Text;

namespace Granary.Executors.Telemetry;

/// <summary>
/// The Prometheus text exposition format (version 0.0.4): per metric family one <c># HELP</c> and one <c># TYPE</c>
/// line, then its samples; histograms as cumulative <c>_bucket{le="..."}</c> samples ending with <c>le="+Inf"</c>,
/// then <c>_sum</c> and <c>_count</c>.
/// </summary>
public static class PrometheusTextFormat
{
    /// <summary>The Content-Type of the exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    internal static string Write(IEnumerable<InstrumentSeries> instruments)
    {
        var text = new StringBuilder();
        // Instruments of the same name (a meter re-created) form one family with one HELP and TYPE.
        foreach (var family in instruments.GroupBy(i => i.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = family.First();
            var series = family.SelectMany(i => i.Series).OrderBy(s => s.Labels, StringComparer.Ordinal).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            text.Append("# HELP ").Append(family.Key).Append(' ').Append(EscapeHelp(first.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Key).Append(' ').Append(first.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (var item in series)
            {
                if (first.Kind == MetricKind.Histogram)
                {
                    WriteHistogram(text, family.Key, first.Bounds, item);
                }
                else
                {
                    Sample(text, family.Key, item.Labels, null, item.Value);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>HELP text: backslash and line feed escaped.</summary>
    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value: shortest round-trip form, +Inf, -Inf or NaN.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void WriteHistogram(StringBuilder text, string name, IReadOnlyList<double> bounds, MetricSeries series)
    {
        var (cumulative, sum, count) = series.Histogram();
        for (var i = 0; i < bounds.Count; i++)
        {
            Sample(text, name + "_bucket", series.Labels, FormatValue(bounds[i]), cumulative[i]);
        }

        Sample(text, name + "_bucket", series.Labels, "+Inf", count);
        Sample(text, name + "_sum", series.Labels, null, sum);
        Sample(text, name + "_count", series.Labels, null, count);
    }

    private static void Sample(StringBuilder text, string name, string labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null)
            {
                text.Append(labels.Length > 0 ? "," : string.Empty).Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }
}
