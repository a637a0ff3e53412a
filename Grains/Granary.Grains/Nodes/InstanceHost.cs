using System.Diagnostics;
using System.Threading.Channels;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Protection;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Nodes;

/// <summary>
/// Hosts one component instance on a node: its mailbox (one event at a time, in arrival order), its output wiring,
/// and the <see cref="IFunctionContext"/> it uses to emit events. An exception from the instance marks it crashed.
/// </summary>
internal sealed partial class InstanceHost : IFunctionContext
{
    private readonly NodeRuntime _node;
    private readonly Channel<Work> _mailbox = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private volatile Dictionary<string, InstanceId[]> _outputs = [];
    private IFunctionInstance? _instance;
    private string? _initPayload;
    private readonly List<(string Alias, byte[] Payload)> _heldCasts = [];
    private readonly RemoteCastBuffer _remoteCasts = new();
    private readonly EventRateLimiter _rate;
    private volatile bool _patched;
    private Task? _loop;
    private int _roundRobin;
    private int _exiting;
    private int _exitCode;

    // The managed thread running this instance's turns right now, 0 between turns and while a turn awaits: casts to
    // other nodes made on it are buffered (see RemoteCastBuffer); casts from anywhere else go out at once.
    private int _turnThread;

    public InstanceHost(NodeRuntime node, InstanceId id, ComponentDeployment deployment, InstanceMeter meter)
    {
        _node = node;
        Self = id;
        Deployment = deployment;
        Meter = meter;
        Sampler = node.Options.PerformanceSamples ? new ExecutionSampler(node.Options.MaxSamplesPerRefresh) : null;
        _rate = new EventRateLimiter(node.Time);
    }

    /// <summary>Protection: the cap on events per second now in force (null when none).</summary>
    public double? EventsPerSecond => _rate.PerSecond;

    public InstanceId Self { get; }

    /// <summary>The rank of this instance's start on its node (1 for the first), so shutdown stops the newest first.</summary>
    public long Order { get; init; }

    public ComponentDeployment Deployment { get; }

    public bool Crashed { get; private set; }

    /// <summary>Events handled and time spent in them, recorded by the mailbox loop.</summary>
    internal InstanceMeter Meter { get; }

    /// <summary>Execution times of casts and calls, when the node collects performance samples.</summary>
    public ExecutionSampler? Sampler { get; }

    public InstanceStatus Status => new()
    {
        Id = Self,
        LogicalId = Deployment.LogicalId,
        WorkflowId = Deployment.WorkflowId,
        Component = Deployment.Name,
        Events = Meter.Events,
        Outputs = new Dictionary<string, InstanceId[]>(_outputs),
    };

    /// <summary>Starts the mailbox loop and runs init as its first event.</summary>
    public Task StartAsync(IFunctionInstance instance, string? initPayload, byte[]? state)
    {
        _instance = instance;

        // The loop must not inherit the caller's async context (a grain turn): the instance's code is not grain code,
        // and every call it made would otherwise carry that grain's call chain.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunLoopAsync);
        }

        var init = new TaskCompletionSource<CallResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _initPayload = initPayload;
        _mailbox.Writer.TryWrite(new Work(WorkKind.Init, default, default, state, init));
        return init.Task;
    }

    /// <summary>Wires the outputs; casts made before the first wiring (for example from init) are sent now.</summary>
    public void Patch(Dictionary<string, InstanceId[]> outputs)
    {
        lock (_heldCasts)
        {
            _outputs = outputs;

            // Sent before the instance counts as patched: a cast of a turn running now waits for the lock, so it cannot
            // overtake the casts held before it.
            foreach (var (alias, payload) in _heldCasts)
            {
                if (Resolve(alias) is { } target)
                {
                    _node.Cast(target, Self, payload);
                }
            }

            _heldCasts.Clear();
            _patched = true;
        }
    }

    /// <summary>Queues a one-way event.</summary>
    public void PostCast(InstanceId source, ReadOnlyMemory<byte> payload) =>
        _mailbox.Writer.TryWrite(new Work(WorkKind.Cast, source, payload, null, null));

    /// <summary>Queues a call and completes with the instance's answer.</summary>
    public Task<CallResult> PostCall(InstanceId source, ReadOnlyMemory<byte> payload)
    {
        var reply = new TaskCompletionSource<CallResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_mailbox.Writer.TryWrite(new Work(WorkKind.Call, source, payload, null, reply)))
        {
            reply.TrySetResult(CallResult.Error($"instance {Self} is stopped"));
        }

        return reply.Task;
    }

    /// <summary>
    /// Protection: an instance that can have its CPU limited (a container) gets <see cref="NodeThrottle.CpuFraction"/>;
    /// another function instance (WebAssembly, .NET) gets <see cref="NodeThrottle.EventsPerSecond"/> as a cap on the
    /// events its mailbox hands it. Resources are left alone: they serve their node's other instances.
    /// </summary>
    public async Task ApplyThrottleAsync(NodeThrottle throttle, CancellationToken cancellationToken = default)
    {
        if (_instance is ICpuLimitedInstance limited)
        {
            await limited.LimitCpuAsync(throttle.CpuFraction, cancellationToken).ConfigureAwait(false);
        }
        else if (Deployment.Function is not null)
        {
            _rate.SetRate(throttle.EventsPerSecond);
        }
    }

    /// <summary>Runs stop as the last event (what is queued before it runs first, at full speed), then disposes the instance.</summary>
    public async Task StopAsync()
    {
        _rate.SetRate(null);
        var done = new TaskCompletionSource<CallResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_mailbox.Writer.TryWrite(new Work(WorkKind.Stop, default, default, null, done)))
        {
            _mailbox.Writer.TryComplete();
            await done.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    /// <summary>Records one handled event, timed from <paramref name="start"/> to now, in the meter and the sampler.</summary>
    private void Measured(long start)
    {
        var end = Stopwatch.GetTimestamp();
        Meter.Record(start, end);
        Sampler?.Record(start, end);
    }

    private async Task RunLoopAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var work))
            {
                if (Crashed)
                {
                    work.Reply?.TrySetResult(CallResult.Error($"instance {Self} crashed"));
                    continue;
                }

                if (Volatile.Read(ref _exiting) != 0)
                {
                    EndAfterExit(work);
                    return;
                }

                if (work.Kind is WorkKind.Cast or WorkKind.Call && !_rate.TryTake(out _, out _))
                {
                    // Protection's cap on events per second: the event waits here, the ones behind it in the mailbox.
                    EndTurns();
                    try
                    {
                        await _rate.WaitAsync(_stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        work.Reply?.TrySetResult(CallResult.Error($"instance {Self} is stopped"));
                        continue;
                    }
                }

                BeginTurn();
                try
                {
                    switch (work.Kind)
                    {
                        case WorkKind.Init:
                            await Unbuffered(_instance!.InitAsync(_initPayload, work.State, _stopping.Token)).ConfigureAwait(false);
                            work.Reply!.TrySetResult(CallResult.NoReply);
                            break;
                        case WorkKind.Cast:
                            var castStart = Stopwatch.GetTimestamp();
                            await Unbuffered(_instance!.CastAsync(work.Source, work.Payload, _stopping.Token)).ConfigureAwait(false);
                            Measured(castStart);
                            break;
                        case WorkKind.Call:
                            var callStart = Stopwatch.GetTimestamp();
                            var result = await Unbuffered(_instance!.CallAsync(work.Source, work.Payload, _stopping.Token)).ConfigureAwait(false);
                            Measured(callStart);
                            work.Reply!.TrySetResult(result);
                            break;
                        case WorkKind.Stop:
                            try
                            {
                                await Unbuffered(_instance!.StopAsync(_stopping.Token)).ConfigureAwait(false);
                            }
                            finally
                            {
                                EndTurns();
                                await _instance!.DisposeAsync().ConfigureAwait(false);
                                work.Reply!.TrySetResult(CallResult.NoReply);
                            }

                            return;
                    }
                }
                catch (Exception ex)
                {
                    Crashed = true;
                    work.Reply?.TrySetException(ex);
                    if (FunctionExitedException.ExitCodeOf(ex) == 0)
                    {
                        LogExitedCleanly(_node.Logger, Self, Deployment.Name, ex.Message);
                    }
                    else
                    {
                        LogCrashed(_node.Logger, Self, Deployment.Name, ex);
                    }

                    _node.OnInstanceCrashed(this, ex);
                }
            }

            // The mailbox ran dry: what the turns cast to other nodes goes out now.
            EndTurns();
        }
    }

    private void BeginTurn()
    {
        if (_remoteCasts.IsOverdue)
        {
            _remoteCasts.Send(_node, Self);
        }

        _turnThread = Environment.CurrentManagedThreadId;
    }

    private void EndTurns()
    {
        _turnThread = 0;
        _remoteCasts.Send(_node, Self);
    }

    /// <summary>A callback that did not finish synchronously continues elsewhere: stop buffering, send what is buffered.</summary>
    private T Unbuffered<T>(T task)
        where T : Task
    {
        if (!task.IsCompleted)
        {
            EndTurns();
        }

        return task;
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/>; during a turn, casts to other nodes are buffered.</summary>
    private void Deliver(InstanceId target, ReadOnlyMemory<byte> message)
    {
        if (target.NodeId != _node.NodeId && _turnThread == Environment.CurrentManagedThreadId)
        {
            if (_remoteCasts.Add(target, message))
            {
                _remoteCasts.Send(_node, Self);
            }

            return;
        }

        _node.Cast(target, Self, message);
    }

    /// <summary>Before a call leaves, the casts made before it do (a call must not overtake them).</summary>
    private void SendBufferedBeforeCall()
    {
        if (_turnThread == Environment.CurrentManagedThreadId)
        {
            _remoteCasts.Send(_node, Self);
        }
    }

    // IFunctionContext: what the instance emits.
    public void Cast(string alias, ReadOnlyMemory<byte> message)
    {
        if (!_patched && alias != "self")
        {
            lock (_heldCasts)
            {
                if (!_patched)
                {
                    _heldCasts.Add((alias, message.ToArray()));
                    return;
                }
            }
        }

        if (Resolve(alias) is { } target)
        {
            Deliver(target, message);
        }
    }

    public void CastRaw(InstanceId target, ReadOnlyMemory<byte> message) => Deliver(target, message);

    public Task<CallResult> CallAsync(string alias, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        SendBufferedBeforeCall();
        return Resolve(alias) is { } target ? _node.CallAsync(target, Self, message, cancellationToken) : Task.FromResult(CallResult.Error($"output '{alias}' of {Deployment.Name} is not connected"));
    }

    public Task<CallResult> CallRawAsync(InstanceId target, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        SendBufferedBeforeCall();
        return _node.CallAsync(target, Self, message, cancellationToken);
    }

    public void DelayedCast(TimeSpan delay, string alias, ReadOnlyMemory<byte> message)
    {
        var copy = message.ToArray();
        _ = Task.Delay(delay, _stopping.Token).ContinueWith(
            (_, s) => ((InstanceHost)s!).Cast(alias, copy), this, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    public void TelemetryLog(TelemetryLevel level, string target, string message) =>
        LogTelemetry(_node.Logger, level switch
        {
            TelemetryLevel.Error => LogLevel.Error,
            TelemetryLevel.Warn => LogLevel.Warning,
            TelemetryLevel.Info => LogLevel.Information,
            TelemetryLevel.Debug => LogLevel.Debug,
            _ => LogLevel.Trace,
        }, Self, target, message);

    public Task SyncAsync(ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default) => _node.SyncAsync(this, state.ToArray());

    public void Exit(int exitCode = 0)
    {
        if (Interlocked.CompareExchange(ref _exiting, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _exitCode, exitCode);

        // Wakes an idle mailbox loop; a busy one sees the flag when the event in hand returns.
        _mailbox.Writer.TryWrite(new Work(WorkKind.Exit, default, default, null, null));
    }

    /// <summary>The instance called <see cref="Exit"/>: what is still queued is refused, and the node reports the end.</summary>
    private void EndAfterExit(Work first)
    {
        _mailbox.Writer.TryComplete();
        var refusal = CallResult.Error($"instance {Self} exited");
        first.Reply?.TrySetResult(refusal);
        while (_mailbox.Reader.TryRead(out var queued))
        {
            queued.Reply?.TrySetResult(refusal);
        }

        EndTurns();
        _node.OnInstanceExited(this, Volatile.Read(ref _exitCode));
    }

    /// <summary>The instance behind <paramref name="alias"/>; several instances share the load in turn.</summary>
    private InstanceId? Resolve(string alias)
    {
        if (alias == "self")
        {
            return Self;
        }

        if (!_outputs.TryGetValue(alias, out var targets) || targets.Length == 0)
        {
            LogUnmapped(_node.Logger, Deployment.Name, alias);
            return null;
        }

        return targets.Length == 1 ? targets[0] : targets[(int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)targets.Length)];
    }

    /// <summary>Stops the mailbox at once (the instance crashed or its start failed) and releases the instance.</summary>
    public void Abort()
    {
        _stopping.Cancel();
        _mailbox.Writer.TryComplete();
        if (_instance is { } instance)
        {
            _ = DisposeQuietlyAsync(instance);
        }
    }

    private async Task DisposeQuietlyAsync(IFunctionInstance instance)
    {
        try
        {
            await instance.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogDisposeFailed(_node.Logger, Self, ex.Message);
        }
    }

    private enum WorkKind
    {
        Init,
        Cast,
        Call,
        Stop,

        /// <summary>Only wakes the loop after <see cref="Exit"/>; never handled as an event.</summary>
        Exit,
    }

    private readonly record struct Work(WorkKind Kind, InstanceId Source, ReadOnlyMemory<byte> Payload, byte[]? State, TaskCompletionSource<CallResult>? Reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing crashed instance {Instance} failed: {Reason}")]
    private static partial void LogDisposeFailed(ILogger logger, InstanceId instance, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} of {Component} ended with exit code 0: {Reason}")]
    private static partial void LogExitedCleanly(ILogger logger, InstanceId instance, string component, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {Instance} of {Component} crashed")]
    private static partial void LogCrashed(ILogger logger, InstanceId instance, string component, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Component} cast on output '{Alias}', which is not connected: dropped")]
    private static partial void LogUnmapped(ILogger logger, string component, string alias);

    [LoggerMessage(Message = "[{Instance}] {Target}: {Text}")]
    private static partial void LogTelemetry(ILogger logger, LogLevel level, InstanceId instance, string target, string text);
}
