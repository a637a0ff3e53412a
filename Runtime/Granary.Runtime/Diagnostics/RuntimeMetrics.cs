using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Granary.Runtime.Diagnostics;

/// <summary>
/// Runtime metrics on the "Granary.Runtime" meter: calls, errors and latency per grain interface method, and
/// activations per grain type. Read them with any System.Diagnostics.Metrics listener (OpenTelemetry, dotnet-counters).
/// </summary>
internal sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "Granary.Runtime";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _latency;
    private readonly UpDownCounter<long> _activations;

    public RuntimeMetrics(string siloName)
    {
        _meter = new Meter(MeterName, "1.0", [new KeyValuePair<string, object?>("silo", siloName)]);
        _calls = _meter.CreateCounter<long>("granary.grain.calls", description: "Grain calls completed, by method");
        _errors = _meter.CreateCounter<long>("granary.grain.call_errors", description: "Grain calls that failed, by method");
        _latency = _meter.CreateHistogram<double>("granary.grain.call_duration", unit: "ms", description: "Grain call latency seen by callers");
        _activations = _meter.CreateUpDownCounter<long>("granary.grain.activations", description: "Live activations, by grain type");
    }

    public void CallCompleted(string method, long startTimestamp, bool failed)
    {
        if (!_calls.Enabled && !_latency.Enabled && !_errors.Enabled)
        {
            return;
        }

        var tag = new KeyValuePair<string, object?>("method", method);
        _calls.Add(1, tag);
        if (failed)
        {
            _errors.Add(1, tag);
        }

        _latency.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, tag);
    }

    public void ActivationCreated(string grainType) => _activations.Add(1, new KeyValuePair<string, object?>("grain_type", grainType));

    public void ActivationRemoved(string grainType) => _activations.Add(-1, new KeyValuePair<string, object?>("grain_type", grainType));

    public void Dispose() => _meter.Dispose();
}
