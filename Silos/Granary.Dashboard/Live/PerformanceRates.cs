using Granary.Grains.Events;
using Microsoft.Extensions.Options;

namespace Granary.Dashboard.Live;

/// <summary>
/// Events per second and mean execution time of every instance, from the nodes' <see cref="PerformanceSample"/>s: the
/// events an instance handled since its node's previous sample, over the time between the two samples.
/// </summary>
public sealed class PerformanceRates(IOptions<GranaryDashboardOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, DateTimeOffset> _lastSampleOfNode = [];
    private readonly Dictionary<string, Entry> _instances = new(StringComparer.Ordinal);

    /// <summary>Takes in one node's sample.</summary>
    public void Add(PerformanceSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var window = options.Value.HistoryWindow;
        lock (_gate)
        {
            var previous = _lastSampleOfNode.GetValueOrDefault(sample.NodeId);
            _lastSampleOfNode[sample.NodeId] = sample.Timestamp;
            var seconds = previous == default ? 0 : (sample.Timestamp - previous).TotalSeconds;
            foreach (var activity in sample.Instances)
            {
                var key = activity.Instance.ToString();
                if (!_instances.TryGetValue(key, out var entry))
                {
                    entry = new Entry(activity, new RollingSeries(window, 2));
                    _instances[key] = entry;
                }

                var rate = seconds > 0 ? activity.Events / seconds : 0;
                entry.Latest = activity;
                entry.EventsPerSecond = rate;
                entry.Series.Add(sample.Timestamp, rate, activity.MeanExecutionMs);
            }

            // Instances not reported for a whole window are gone.
            foreach (var gone in _instances.Where(i => i.Value.Series.Last < sample.Timestamp - window).Select(i => i.Key).ToList())
            {
                _instances.Remove(gone);
            }
        }
    }

    /// <summary>The view of every instance reported within the window, by workflow and component.</summary>
    public FunctionsView View(DateTimeOffset now)
    {
        lock (_gate)
        {
            var instances = _instances.Values
                .OrderBy(e => e.Latest.WorkflowId, StringComparer.Ordinal).ThenBy(e => e.Latest.Component, StringComparer.Ordinal)
                .Select(e => new InstanceRateView(
                    e.Latest.Instance.ToString(), e.Latest.Instance.NodeId.ToString("D"), e.Latest.WorkflowId, e.Latest.Component, e.Latest.LogicalId.ToString(),
                    e.Latest.TotalEvents, Math.Round(e.EventsPerSecond, 2), Math.Round(e.Latest.MeanExecutionMs, 3),
                    e.Series.Times(), e.Series.Values(0), e.Series.Values(1)))
                .ToList();
            return new FunctionsView(now, instances);
        }
    }

    private sealed class Entry(InstanceActivity latest, RollingSeries series)
    {
        public InstanceActivity Latest { get; set; } = latest;

        public double EventsPerSecond { get; set; }

        public RollingSeries Series { get; } = series;
    }
}
