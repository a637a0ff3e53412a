using System.Diagnostics.Metrics;
using Granary.Executors.Telemetry;

namespace Granary.Executors.Tests;

/// <summary>The Prometheus text written from System.Diagnostics.Metrics instruments.</summary>
public sealed class PrometheusFormatTests
{
    [Fact]
    public void Counters_get_total_label_values_and_help_are_escaped_and_ms_histograms_become_seconds()
    {
        var meterName = "Granary.FormatTest." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName, "1.0", [new("silo", "s1")]);
        using var collector = new MeterCollector(m => m.Name == meterName);
        var requests = meter.CreateCounter<long>("test.requests", description: "Requests, by path\\kind\nsecond line");
        var latency = meter.CreateHistogram<double>("test.latency", unit: "ms", description: "Latency");
        var queue = meter.CreateUpDownCounter<int>("test.queue", unit: "By");

        requests.Add(2, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));
        requests.Add(3, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));
        latency.Record(0.2);
        latency.Record(30);
        queue.Add(5);
        queue.Add(-2);

        var lines = collector.Scrape().Split('\n');

        Assert.Contains("# HELP test_requests_total Requests, by path\\\\kind\\nsecond line", lines);
        Assert.Contains("# TYPE test_requests_total counter", lines);
        Assert.Contains("test_requests_total{silo=\"s1\",path=\"a\\\"b\\\\c\\nd\"} 5", lines);
        Assert.Contains("# TYPE test_latency_seconds histogram", lines);
        Assert.Contains("test_latency_seconds_bucket{silo=\"s1\",le=\"0.00025\"} 1", lines);
        Assert.Contains("test_latency_seconds_bucket{silo=\"s1\",le=\"0.025\"} 1", lines);
        Assert.Contains("test_latency_seconds_bucket{silo=\"s1\",le=\"0.05\"} 2", lines);
        Assert.Contains("test_latency_seconds_bucket{silo=\"s1\",le=\"+Inf\"} 2", lines);
        var sum = lines.Single(l => l.StartsWith("test_latency_seconds_sum{silo=\"s1\"} ", StringComparison.Ordinal));
        Assert.Equal(0.0302, double.Parse(sum.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), precision: 9);
        Assert.Contains("test_latency_seconds_count{silo=\"s1\"} 2", lines);
        Assert.Contains("# TYPE test_queue_bytes gauge", lines);
        Assert.Contains("test_queue_bytes{silo=\"s1\"} 3", lines);
    }

    [Fact]
    public void Observable_instruments_report_only_their_current_series()
    {
        var meterName = "Granary.FormatTest." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        using var collector = new MeterCollector(m => m.Name == meterName);
        var current = new List<Measurement<long>> { new(1, new KeyValuePair<string, object?>("instance", "a")), new(4, new KeyValuePair<string, object?>("instance", "b")) };
        meter.CreateObservableCounter("test.events", () => current);

        var before = collector.Scrape();
        current = [new(7, new KeyValuePair<string, object?>("instance", "b"))];
        var after = collector.Scrape();

        Assert.Contains("test_events_total{instance=\"a\"} 1\n", before);
        Assert.Contains("test_events_total{instance=\"b\"} 4\n", before);
        Assert.DoesNotContain("instance=\"a\"", after);
        Assert.Contains("test_events_total{instance=\"b\"} 7\n", after);
    }
}
