using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Granary.Grains.Events;
using Granary.Grains.Execution;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Nodes;

/// <summary>
/// What a node reports about itself: per-instance counters (events handled, time spent in them), lifecycle events
/// queued for publication on the platform event stream, and the <c>Granary.Node</c> meter (instances running,
/// events and execution time per instance, lifecycle counters, node health gauges). The data plane only bumps two
/// counters per event; everything else happens when the sampler or a metrics listener asks.
/// </summary>
public sealed class NodeTelemetry : IDisposable
{
    /// <summary>The meter carrying the node's instruments; its tags name the silo and the node.</summary>
    public const string MeterName = "Granary.Node";

    private static readonly TimeSpan HealthMaxAge = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<InstanceId, InstanceMeter> _instances = new();
    private readonly Channel<PlatformEvent> _events = Channel.CreateBounded<PlatformEvent>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly Counter<long> _started;
    private readonly Counter<long> _stopped;
    private readonly Counter<long> _failed;
    private readonly NodeHealthProbe _healthProbe = new();
    private readonly Lock _healthLock = new();
    private NodeHealth? _health;
    private long _healthAt;
    private volatile bool _publishing = true;

    public NodeTelemetry(IOptions<NodeOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var node = _options.NodeId.ToString("D");
        _meter = new Meter(MeterName, "1.0", [new("silo", node), new("node", node)]);
        _meter.CreateObservableGauge("granary.node.instances", () => _instances.Count, description: "Function and resource instances running on the node");
        _meter.CreateObservableCounter("granary.node.instance.events", ObserveEvents, description: "Events (casts and calls) handled, per instance");
        _meter.CreateObservableCounter("granary.node.instance.execution_time", ObserveBusy, unit: "s", description: "Time spent handling events, per instance");
        _started = _meter.CreateCounter<long>("granary.node.instances.started", description: "Instances started on the node");
        _stopped = _meter.CreateCounter<long>("granary.node.instances.stopped", description: "Instances stopped on purpose");
        _failed = _meter.CreateCounter<long>("granary.node.instances.failed", description: "Instances that crashed or failed to initialise");
        _meter.CreateObservableGauge("granary.node.memory_available", () => ObserveHealth(h => h.MemAvailable * 1024), unit: "By", description: "Memory available for new work on the machine");
        _meter.CreateObservableGauge("granary.node.process_memory", () => ObserveHealth(h => h.ProcMemory * 1024), unit: "By", description: "Resident memory of the node process");
        _meter.CreateObservableGauge("granary.node.process_cpu_usage", () => ObserveHealth(h => (long)h.ProcCpuUsage), unit: "%", description: "CPU used by the node process, percent of one core");
        _meter.CreateObservableGauge("granary.node.load_average_1m", () => ObserveHealth(h => h.LoadAvg1 / 100.0), description: "One-minute load average of the machine");
    }

    /// <summary>The node this telemetry belongs to.</summary>
    public Guid NodeId => _options.NodeId;

    /// <summary>Instances currently tracked (running).</summary>
    public int InstanceCount => _instances.Count;

    /// <summary>Lifecycle events waiting to be published.</summary>
    internal ChannelReader<PlatformEvent> Events => _events.Reader;

    /// <summary>Performance of every running instance since the previous call (only the node's sampler calls this).</summary>
    public IReadOnlyList<InstanceActivity> TakePerformanceSample()
    {
        var list = new List<InstanceActivity>(_instances.Count);
        foreach (var instance in _instances.Values)
        {
            var delta = instance.TakeDelta();
            var mean = delta.Events > 0 ? delta.Busy.TotalMilliseconds / delta.Events : 0;
            list.Add(new InstanceActivity(instance.Id, instance.Deployment.LogicalId, instance.Deployment.WorkflowId, instance.Deployment.Name, delta.TotalEvents, delta.Events, mean));
        }

        return list;
    }

    /// <summary>Stops queueing lifecycle events (no stream to publish them on).</summary>
    internal void StopPublishing()
    {
        _publishing = false;
        _events.Writer.TryComplete();
    }

    /// <summary>Starts tracking a new instance; its mailbox loop records every event in the returned meter.</summary>
    internal InstanceMeter Track(InstanceId id, ComponentDeployment deployment, string kind)
    {
        var meter = new InstanceMeter(id, deployment, kind);
        _instances[id] = meter;
        return meter;
    }

    internal void Started(InstanceId id)
    {
        if (_instances.TryGetValue(id, out var instance))
        {
            _started.Add(1);
            Publish(new InstanceStarted(id, instance.Deployment.LogicalId, instance.Deployment.WorkflowId, _time.GetUtcNow()));
        }
    }

    internal void Stopped(InstanceId id, string reason)
    {
        if (_instances.TryRemove(id, out var instance))
        {
            _stopped.Add(1);
            Publish(new InstanceStopped(id, instance.Deployment.LogicalId, instance.Deployment.WorkflowId, reason, _time.GetUtcNow()));
        }
    }

    internal void Failed(InstanceId id, string error)
    {
        if (_instances.TryRemove(id, out var instance))
        {
            _failed.Add(1);
            Publish(new InstanceFailed(id, instance.Deployment.LogicalId, instance.Deployment.WorkflowId, error, _time.GetUtcNow()));
        }
    }

    public void Dispose() => _meter.Dispose();

    private void Publish(PlatformEvent item)
    {
        if (_publishing)
        {
            _events.Writer.TryWrite(item);
        }
    }

    private IEnumerable<Measurement<long>> ObserveEvents() =>
        _instances.Values.Select(i => new Measurement<long>(i.Events, Tags(i))).ToList();

    private IEnumerable<Measurement<double>> ObserveBusy() =>
        _instances.Values.Select(i => new Measurement<double>(i.Busy.TotalSeconds, Tags(i))).ToList();

    private static KeyValuePair<string, object?>[] Tags(InstanceMeter instance) =>
    [
        new("workflow", instance.Deployment.WorkflowId),
        new("component", instance.Deployment.Name),
        new("kind", instance.Kind),
        new("instance", instance.Id.ComponentId.ToString("D")),
    ];

    private IEnumerable<Measurement<T>> ObserveHealth<T>(Func<NodeHealth, T> read)
        where T : struct
    {
        var health = Health();
        return health is null ? [] : [new Measurement<T>(read(health))];
    }

    /// <summary>The latest health sample, read from /proc at most once a second (null where /proc is unreadable).</summary>
    private NodeHealth? Health()
    {
        lock (_healthLock)
        {
            var now = _time.GetTimestamp();
            if (_healthAt == 0 || _time.GetElapsedTime(_healthAt, now) > HealthMaxAge)
            {
                try
                {
                    _health = _healthProbe.Sample();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
                {
                    _health = null;
                }

                _healthAt = now;
            }

            return _health;
        }
    }
}
