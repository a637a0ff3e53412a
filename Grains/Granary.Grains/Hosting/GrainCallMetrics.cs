using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Granary.Hosting;

/// <summary>
/// Grain calls made by this silo, on the "Granary.Grains" meter (tagged with the silo's name): calls completed,
/// calls that failed and their latency as the caller saw it, each tagged with the target grain type and the
/// interface method. The node's <c>/metrics</c> endpoint exports them; so does any System.Diagnostics.Metrics
/// listener (OpenTelemetry, dotnet-counters). One-way calls count when they are sent.
/// </summary>
internal sealed class GrainCallMetrics : IOutgoingGrainCallFilter, IDisposable
{
    public const string MeterName = "Granary.Grains";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _latency;

    public GrainCallMetrics(ILocalSiloDetails silo)
    {
        _meter = new Meter(MeterName, "1.0", [new KeyValuePair<string, object?>("silo", silo.Name)]);
        _calls = _meter.CreateCounter<long>("granary.grain.calls", description: "Grain calls completed, by method");
        _errors = _meter.CreateCounter<long>("granary.grain.call_errors", description: "Grain calls that failed, by method");
        _latency = _meter.CreateHistogram<double>("granary.grain.call_duration", unit: "ms", description: "Grain call latency seen by callers");
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!_calls.Enabled && !_latency.Enabled && !_errors.Enabled)
        {
            await context.Invoke();
            return;
        }

        var start = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            await context.Invoke();
            failed = false;
        }
        finally
        {
            var tags = new TagList
            {
                { "grain_type", context.TargetId.Type.ToString() },
                { "method", $"{context.InterfaceName}.{context.MethodName}" },
            };
            _calls.Add(1, tags);
            if (failed)
            {
                _errors.Add(1, tags);
            }

            _latency.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, tags);
        }
    }

    public void Dispose() => _meter.Dispose();
}
