using System.Diagnostics;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Grains.Nodes;

/// <summary>
/// The counters of one instance: events handled and time spent in them. The instance's mailbox loop is the only
/// writer (one event at a time) and records each event once, with the two timestamps it takes around the handler;
/// the node's status, sampler and metrics exporter only read.
/// </summary>
internal sealed class InstanceMeter(InstanceId id, ComponentDeployment deployment, string kind)
{
    private long _events;
    private long _busyTicks;
    private long _sampledEvents;
    private long _sampledTicks;

    public InstanceId Id { get; } = id;

    public ComponentDeployment Deployment { get; } = deployment;

    /// <summary>The function runtime or resource class running the instance.</summary>
    public string Kind { get; } = kind;

    /// <summary>Casts and calls handled so far.</summary>
    public long Events => Volatile.Read(ref _events);

    /// <summary>Time spent in casts and calls so far.</summary>
    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyTicks));

    /// <summary>Counts one event whose handler ran from <paramref name="start"/> to <paramref name="end"/> (<see cref="Stopwatch"/> timestamps).</summary>
    public void Record(long start, long end)
    {
        Volatile.Write(ref _busyTicks, _busyTicks + (end - start));
        Volatile.Write(ref _events, _events + 1);
    }

    /// <summary>What happened since the previous call (only the node's sampler calls this).</summary>
    public InstancePerformanceDelta TakeDelta()
    {
        var events = Events;
        var ticks = Volatile.Read(ref _busyTicks);
        var delta = new InstancePerformanceDelta(events, events - _sampledEvents, Stopwatch.GetElapsedTime(0, ticks - _sampledTicks));
        _sampledEvents = events;
        _sampledTicks = ticks;
        return delta;
    }
}
