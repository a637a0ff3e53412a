using Granary.Runtime.Directory;
using Granary.Streams;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Activations;

/// <summary>
/// One activation of a grain on this silo: its instance, its serial work queue, and the admission of requests as
/// turns. A request starts when no turn is running, or when it may interleave (reentrant grain,
/// <see cref="AlwaysInterleaveAttribute"/> method, or a call chain that already passes through this grain, so that
/// A → B → A does not deadlock). Otherwise requests wait in arrival order.
/// </summary>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly Lock _lock = new();
    private readonly Queue<IncomingRequest> _waiting = new();
    private readonly List<GrainTimer> _timers = [];
    private readonly SiloRuntime _silo;
    private readonly GrainClassInfo _class;
    private readonly ILogger _logger;
    private int _running;
    private bool _deactivateWhenIdle;
    private DeactivationReason _deactivationReason;
    private long _keepAliveUntil;

    public ActivationData(SiloRuntime silo, GrainId grainId, GrainClassInfo grainClass)
    {
        _silo = silo;
        GrainId = grainId;
        _class = grainClass;
        _logger = silo.Logger;
        Address = new GrainAddress(grainId, silo.Address, Guid.NewGuid());
        WorkQueue = new ActivationWorkQueue(ex => LogUnhandled(_logger, GrainId, ex));
        LastActivityTicks = Environment.TickCount64;
        GrainFactory = silo.GrainFactory;
    }

    public GrainId GrainId { get; }

    public GrainAddress Address { get; }

    public ActivationWorkQueue WorkQueue { get; }

    public ActivationState State { get; private set; } = ActivationState.Activating;

    public object? Instance { get; private set; }

    public long LastActivityTicks { get; private set; }

    /// <summary>True when nothing runs or waits and no keep-alive is in force.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return _running == 0 && _waiting.Count == 0 && Environment.TickCount64 >= _keepAliveUntil;
            }
        }
    }

    public string SiloName => _silo.Address.Name;

    public IGrainFactory GrainFactory { get; }

    public IServiceProvider Services => _silo.Services;

    public IStreamProvider GetStreamProvider(string name) => _silo.GetStreamProvider(name);

    /// <summary>
    /// Creates the instance, registers in the directory (losing to an existing activation forwards every waiting
    /// request to it), loads persistent state and runs OnActivateAsync. Runs on the activation's work queue.
    /// </summary>
    public async Task ActivateAsync(GrainAddress? previous)
    {
        GrainAddress winner;
        try
        {
            winner = await _silo.RegisterInDirectoryAsync(Address, previous);
        }
        catch (Exception ex)
        {
            LogActivationFailed(_logger, GrainId, ex);
            FailActivation(new SiloUnavailableException($"Activation of {GrainId} failed: the grain directory is unreachable ({ex.Message}).", ex));
            return;
        }

        if (winner != Address)
        {
            // Another silo activated this grain first: hand every waiting request to it.
            _silo.Catalog.Remove(this);
            List<IncomingRequest> pending;
            lock (_lock)
            {
                State = ActivationState.Invalid;
                pending = [.. _waiting];
                _waiting.Clear();
            }

            _silo.DirectoryCache[GrainId] = winner;
            foreach (var r in pending)
            {
                r.Reroute($"{GrainId} is active on {winner.Silo}");
            }

            return;
        }

        try
        {
            using (Grain.BeginConstruction(this))
            {
                var (instance, states) = _class.Create(_silo.Services, this);
                Instance = instance;
                foreach (var state in states)
                {
                    await state.ReadStateAsync();
                }
            }

            if (Instance is Grain grain)
            {
                using var cts = new CancellationTokenSource(_silo.MessagingOptions.ResponseTimeout);
                await grain.OnActivateAsync(cts.Token);
            }
        }
        catch (Exception ex)
        {
            LogActivationFailed(_logger, GrainId, ex);
            _silo.Catalog.Remove(this);
            await _silo.UnregisterFromDirectoryAsync(Address);
            FailActivation(ex);
            return;
        }

        _silo.Metrics.ActivationCreated(_class.GrainType);
        lock (_lock)
        {
            State = ActivationState.Valid;
        }

        Pump();
    }

    private void FailActivation(Exception ex)
    {
        List<IncomingRequest> pending;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            pending = [.. _waiting];
            _waiting.Clear();
        }

        _silo.Catalog.Remove(this);
        foreach (var r in pending)
        {
            r.Fail(ex);
        }
    }

    /// <summary>Queues a request; it starts at once if the admission rules allow.</summary>
    public void Enqueue(IncomingRequest request)
    {
        bool start;
        lock (_lock)
        {
            switch (State)
            {
                case ActivationState.Invalid:
                    start = false;
                    break;
                case ActivationState.Activating or ActivationState.Deactivating:
                    _waiting.Enqueue(request);
                    return;
                default:
                    start = CanStart(request);
                    if (start)
                    {
                        _running++;
                    }
                    else
                    {
                        _waiting.Enqueue(request);
                        return;
                    }

                    break;
            }
        }

        if (!start)
        {
            request.Reroute($"activation of {GrainId} was deactivated");
            return;
        }

        // A call from code on this silo starts on the caller's thread when the activation is free: no thread switch,
        // and a method that completes synchronously completes the caller's task before it even awaits.
        var state = (this, request);
        if (!request.RunsInline || !WorkQueue.TryRunInline(s_run, state))
        {
            WorkQueue.Post(s_run, state);
        }
    }

    private static readonly SendOrPostCallback s_run = static s => { var (a, r) = ((ActivationData, IncomingRequest))s!; _ = a.RunAsync(r); };

    private bool CanStart(IncomingRequest request)
    {
        if (_running == 0)
        {
            // Keep arrival order: a request may not overtake earlier waiting ones.
            return _waiting.Count == 0;
        }

        if (_class.Reentrant || request.AlwaysInterleave)
        {
            return true;
        }

        var chain = request.CallChain;
        return chain is not null && Array.IndexOf(chain, GrainId) >= 0;
    }

    private async Task RunAsync(IncomingRequest request)
    {
        if (Environment.TickCount64 > request.DeadlineTicks)
        {
            request.Expire();
            OnTurnEnded();
            return;
        }

        RuntimeContext.Current = new RuntimeContext(this, request.CallChain);
        try
        {
            var result = await request.RunAsync(Instance!);
            request.Complete(result);
        }
        catch (Exception ex)
        {
            request.Fail(ex);
        }
        finally
        {
            OnTurnEnded();
        }
    }

    private void OnTurnEnded()
    {
        lock (_lock)
        {
            _running--;
            LastActivityTicks = Environment.TickCount64;
        }

        Pump();
    }

    /// <summary>Starts waiting requests that may now run, or proceeds with a pending deactivation.</summary>
    private void Pump()
    {
        List<IncomingRequest>? toStart = null;
        var deactivate = false;
        lock (_lock)
        {
            if (State == ActivationState.Valid && _deactivateWhenIdle && _running == 0)
            {
                State = ActivationState.Deactivating;
                deactivate = true;
            }
            else if (State == ActivationState.Valid)
            {
                while (_waiting.Count > 0)
                {
                    var next = _waiting.Peek();
                    var allowed = _running == 0 || _class.Reentrant || next.AlwaysInterleave
                        || (next.CallChain is { } chain && Array.IndexOf(chain, GrainId) >= 0);
                    if (!allowed)
                    {
                        break;
                    }

                    _waiting.Dequeue();
                    _running++;
                    (toStart ??= []).Add(next);
                }
            }
        }

        if (deactivate)
        {
            WorkQueue.Post(static s => _ = ((ActivationData)s!).DeactivateAsync(), this);
            return;
        }

        if (toStart is not null)
        {
            foreach (var r in toStart)
            {
                WorkQueue.Post(s_run, (this, r));
            }
        }
    }

    public void DeactivateOnIdle() => StartDeactivation(DeactivationReason.ApplicationRequested);

    public void DelayDeactivation(TimeSpan period)
    {
        lock (_lock)
        {
            _keepAliveUntil = Math.Max(_keepAliveUntil, Environment.TickCount64 + (long)period.TotalMilliseconds);
        }
    }

    /// <summary>Deactivates once the running turns end (requests arriving meanwhile are re-routed afterwards).</summary>
    public void StartDeactivation(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid || _deactivateWhenIdle)
            {
                return;
            }

            _deactivateWhenIdle = true;
            _deactivationReason = reason;
        }

        WorkQueue.Post(static s => ((ActivationData)s!).Pump(), this);
    }

    private async Task DeactivateAsync()
    {
        DisposeTimers();
        if (Instance is Grain grain)
        {
            try
            {
                using var cts = new CancellationTokenSource(_silo.CollectionOptions.DeactivationTimeout);
                await grain.OnDeactivateAsync(_deactivationReason, cts.Token);
            }
            catch (Exception ex)
            {
                LogDeactivationFailed(_logger, GrainId, ex);
            }
        }

        _silo.Catalog.Remove(this);
        await _silo.UnregisterFromDirectoryAsync(Address);
        _silo.Metrics.ActivationRemoved(_class.GrainType);
        List<IncomingRequest> pending;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            pending = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var r in pending)
        {
            r.Reroute($"activation of {GrainId} was deactivated");
        }
    }

    /// <summary>Drops the activation at once (its silo is being killed or declared dead): no callbacks, no re-routing.</summary>
    public void Abandon(Exception reason)
    {
        DisposeTimers();
        List<IncomingRequest> pending;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            pending = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var r in pending)
        {
            r.Fail(reason);
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer(this, callback, dueTime, period, _silo.TimeProvider);
        lock (_lock)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"Cannot register a timer on {GrainId}: it is deactivating.");
            }

            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var t in timers)
        {
            t.Dispose();
        }
    }

    /// <summary>A one-line account of what the activation is doing, for timeout messages.</summary>
    public string DescribeState()
    {
        lock (_lock)
        {
            return $"{State}, {_running} running, {_waiting.Count} waiting, {WorkQueue.PendingCount} queued work items";
        }
    }

    public override string ToString() => $"activation {GrainId} on {SiloName}";

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {GrainId}")]
    private static partial void LogUnhandled(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, GrainId grainId, Exception exception);
}
