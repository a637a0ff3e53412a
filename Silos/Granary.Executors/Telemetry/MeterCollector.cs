using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Granary.Executors.Telemetry;

/// <summary>
/// Listens to the System.Diagnostics.Metrics instruments of the meters <paramref name="include"/> accepts and keeps
/// their series (totals, last values, histogram buckets) for <see cref="Scrape"/>. Measurements cost a dictionary
/// lookup each, and only while a collector listens.
/// </summary>
public sealed class MeterCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();
    private readonly Lock _scrapeLock = new();

    public MeterCollector(Func<Meter, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (include(instrument.Meter))
            {
                var series = new InstrumentSeries(instrument);
                _instruments[instrument] = series;
                listener.EnableMeasurementEvents(instrument, series);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentSeries? _);
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((InstrumentSeries)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Asks the observable instruments for their values now and writes every series in the Prometheus text format.</summary>
    public string Scrape()
    {
        lock (_scrapeLock)
        {
            foreach (var instrument in _instruments.Values.Where(i => i.IsObservable))
            {
                instrument.Clear();
            }

            _listener.RecordObservableInstruments();
            return PrometheusTextFormat.Write(_instruments.Values);
        }
    }

    public void Dispose() => _listener.Dispose();
}
