using System.Diagnostics;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Grains.Nodes;

/// <summary>
/// Wraps an instance to count the events it handles and the time they take: two timestamps and two single-writer
/// counters per event (the instance runs one event at a time), read by the periodic sampler and the metrics exporter.
/// </summary>
internal sealed class MeasuredInstance(InstanceId id, ComponentDeployment deployment, string kind, IFunctionInstance inner) : IFunctionInstance
{
    private long _events;
    private long _busyTicks;
    private long _sampledEvents;
    private long _sampledTicks;

    public InstanceId Id { get; } = id;

    public ComponentDeployment Deployment { get; } = deployment;

    public string Kind { get; } = kind;

    /// <summary>Casts and calls handled so far.</summary>
    public long Events => Volatile.Read(ref _events);

    /// <summary>Time spent in casts and calls so far.</summary>
    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyTicks));

    public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) => inner.InitAsync(initPayload, state, cancellationToken);

    public Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var task = inner.CastAsync(source, message, cancellationToken);
        if (task.IsCompleted)
        {
            Record(start);
            return task;
        }

        return AwaitAsync(task, start);
    }

    public Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var task = inner.CallAsync(source, message, cancellationToken);
        if (task.IsCompleted)
        {
            Record(start);
            return task;
        }

        return AwaitAsync(task, start);
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

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

    private void Record(long start)
    {
        Volatile.Write(ref _busyTicks, _busyTicks + (Stopwatch.GetTimestamp() - start));
        Volatile.Write(ref _events, _events + 1);
    }

    private async Task AwaitAsync(Task task, long start)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        finally
        {
            Record(start);
        }
    }

    private async Task<CallResult> AwaitAsync(Task<CallResult> task, long start)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        finally
        {
            Record(start);
        }
    }
}
