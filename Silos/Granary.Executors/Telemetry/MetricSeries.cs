namespace Granary.Executors.Telemetry;

/// <summary>
/// One labelled series of an instrument: a total (counters, up-down counters), the last observed value (observable
/// instruments, gauges), or histogram buckets with their sum and count.
/// </summary>
internal sealed class MetricSeries(string labels, int buckets)
{
    private readonly long[] _buckets = new long[buckets];
    private readonly Lock _histogramLock = new();
    private double _value;
    private double _sum;
    private long _count;

    /// <summary>The series' labels in exposition form, e.g. <c>silo="s1",method="IFoo.Bar"</c> (may be empty).</summary>
    public string Labels { get; } = labels;

    public double Value => Volatile.Read(ref _value);

    public void Add(double delta)
    {
        double current, updated;
        do
        {
            current = Volatile.Read(ref _value);
            updated = current + delta;
        }
        while (Interlocked.CompareExchange(ref _value, updated, current) != current);
    }

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Observe(double value, IReadOnlyList<double> bounds)
    {
        lock (_histogramLock)
        {
            for (var i = 0; i < bounds.Count; i++)
            {
                if (value <= bounds[i])
                {
                    _buckets[i]++;
                    break;
                }
            }

            _sum += value;
            _count++;
        }
    }

    /// <summary>Cumulative bucket counts (one per bound; +Inf is the count), the sum and the count, read together.</summary>
    public (long[] Cumulative, double Sum, long Count) Histogram()
    {
        lock (_histogramLock)
        {
            var cumulative = new long[_buckets.Length];
            long running = 0;
            for (var i = 0; i < _buckets.Length; i++)
            {
                running += _buckets[i];
                cumulative[i] = running;
            }

            return (cumulative, _sum, _count);
        }
    }
}
