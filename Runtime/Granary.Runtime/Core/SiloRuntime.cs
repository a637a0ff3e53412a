using System.Collections.Concurrent;
using System.Net;
using Granary.Invocation;
using Granary.Runtime.Activations;
using Granary.Runtime.Configuration;
using Granary.Runtime.Diagnostics;
using Granary.Runtime.Directory;
using Granary.Runtime.Membership;
using Granary.Runtime.Messaging;
using Granary.Runtime.Placement;
using Granary.Runtime.Streams;
using Granary.Runtime.Transport;
using Granary.Serialization;
using Granary.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime;

/// <summary>
/// The core of a silo: routes calls to local activations or to other silos, creates activations (with the
/// directory's compare-and-set guaranteeing one per grain cluster-wide), tracks outstanding calls and their
/// deadlines, serves requests arriving from silos and clients, and reacts to membership changes.
/// </summary>
internal sealed partial class SiloRuntime : IFrameHandler, IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, OutstandingCall> _pending = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<bool>> _pings = new();
    private readonly ConcurrentDictionary<GrainId, Task> _slowRoutes = new();
    private readonly Lock _slowRoutesLock = new();
    private readonly Dictionary<SiloAddress, List<OutstandingCall>> _connecting = [];
    private readonly IGrainDirectory _directory;
    private readonly GrainTypeManager _grainTypes;
    private readonly Dictionary<int, string> _manifest;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SiloOptions _siloOptions;
    private readonly IReadOnlyDictionary<string, IStreamProvider> _streamProviders;
    private readonly IPEndPoint? _listenEndpoint;
    private readonly string _siloName;
    private readonly IMembershipTable _membershipTable;
    private readonly MembershipOptions _membershipOptions;
    private readonly ILoggerFactory _loggerFactory;
    private long _nextId;
    private ITimer? _deadlineTimer;
    private ITimer? _collectionTimer;
    private SiloListener? _listener;
    private volatile bool _stopped;

    public SiloRuntime(
        SiloOptions siloOptions,
        MessagingOptions messagingOptions,
        MembershipOptions membershipOptions,
        GrainCollectionOptions collectionOptions,
        IMembershipTable membershipTable,
        IGrainDirectory directory,
        IServiceProvider services,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider)
    {
        _siloOptions = siloOptions;
        MessagingOptions = messagingOptions;
        CollectionOptions = collectionOptions;
        _directory = directory;
        Services = services;
        TimeProvider = timeProvider;
        Logger = loggerFactory.CreateLogger("Granary.Runtime.Silo");
        GrainInterfaceRegistry.RegisterLoadedAssemblies();
        _grainTypes = new GrainTypeManager(GrainInterfaceRegistry.GrainClasses);
        _manifest = _grainTypes.BuildManifest();
        Invoker = new SiloCallInvoker(this);
        GrainFactory = new GrainFactory(Invoker, _grainTypes.ResolveGrainType);

        _siloName = siloOptions.Name ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        if (siloOptions.AcceptConnections)
        {
            _listenEndpoint = new IPEndPoint(SiloNetwork.Resolve(siloOptions.ListenAddress, "SiloOptions.ListenAddress"), siloOptions.Port);
        }

        Connections = null!;
        Address = null!;
        Membership = null!;
        Placement = null!;
        Metrics = new RuntimeMetrics(_siloName);
        _membershipTable = membershipTable;
        _membershipOptions = membershipOptions;
        _loggerFactory = loggerFactory;
        _streamProviders = services.GetServices<IStreamProviderFactory>()
            .ToDictionary(f => f.Name, f => f.Create(this), StringComparer.Ordinal);
    }

    public SiloAddress Address { get; private set; }

    public ILogger Logger { get; }

    public IServiceProvider Services { get; }

    public TimeProvider TimeProvider { get; }

    public MessagingOptions MessagingOptions { get; }

    public GrainCollectionOptions CollectionOptions { get; }

    public RuntimeMetrics Metrics { get; }

    public Catalog Catalog { get; } = new();

    public ConcurrentDictionary<GrainId, GrainAddress> DirectoryCache { get; } = new();

    public SiloCallInvoker Invoker { get; }

    public IGrainFactory GrainFactory { get; }

    public ConnectionManager Connections { get; private set; }

    public MembershipService Membership { get; private set; }

    public PlacementDirector Placement { get; private set; }

    /// <summary>Raised when this silo stops because the cluster declared it dead.</summary>
    public event Action? Terminated;

    public IStreamProvider GetStreamProvider(string name) => _streamProviders.TryGetValue(name, out var p)
        ? p
        : throw new KeyNotFoundException($"No stream provider named '{name}' is registered on silo {Address.Name}.");

    /// <summary>Binds the listener (if any), joins the cluster, and starts the background timers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var generation = TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000 + Random.Shared.Next(1000);
        var logger = _loggerFactory.CreateLogger("Granary.Runtime.Transport");
        if (_listenEndpoint is not null)
        {
            // Bind first to learn the port, then fix the address and start accepting.
            _listener = new SiloListener(_listenEndpoint, _siloOptions, MessagingOptions, peer => BuildHello(peer), logger);
            var bound = _listener.LocalEndPoint;
            var advertised = new IPEndPoint(
                _siloOptions.AdvertisedAddress is { } a ? SiloNetwork.Resolve(a, "SiloOptions.AdvertisedAddress") : SiloNetwork.Advertisable(bound.Address),
                bound.Port);
            Address = new SiloAddress(_siloName, advertised, generation);
        }
        else
        {
            Address = new SiloAddress(_siloName, null, generation);
        }

        Connections = new ConnectionManager(Address, _siloOptions, MessagingOptions, () => BuildHello(null), this, logger);
        _listener?.Start(Connections);
        Membership = new MembershipService(Address, _siloOptions, _membershipOptions, _membershipTable, PingAsync, TimeProvider,
            _loggerFactory.CreateLogger("Granary.Runtime.Membership"));
        Membership.ViewChanged += OnViewChanged;
        Membership.DeclaredDead += () => _ = TerminateAsync();
        Placement = new PlacementDirector(Address, Membership);
        _deadlineTimer = TimeProvider.CreateTimer(static s => ((SiloRuntime)s!).ExpireCalls(), this, MessagingOptions.DeadlineCheckPeriod, MessagingOptions.DeadlineCheckPeriod);
        _collectionTimer = TimeProvider.CreateTimer(static s => ((SiloRuntime)s!).CollectIdle(), this, CollectionOptions.CollectionQuantum, CollectionOptions.CollectionQuantum);
        await Membership.JoinAsync(cancellationToken);
        ConnectDialOut();
        LogStarted(Logger, Address);
    }

    private Hello BuildHello(Hello? peer) =>
        new(ProtocolVersion.Min, ProtocolVersion.Max, _siloOptions.ClusterId, Address, null, peer?.ClientId is not null ? _manifest : null);

    // ---------------------------------------------------------------- calls made by this silo

    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Starts a call from this silo (grain code or silo-hosted code) and returns its outstanding record.</summary>
    public void Send(OutstandingCall call)
    {
        if (!call.IsOneWay)
        {
            _pending[call.Id] = call;
        }

        Route(call);
    }

    /// <summary>Delivers <paramref name="call"/> to its grain: locally, to a known silo, or after lookup and placement.</summary>
    public void Route(OutstandingCall call)
    {
        if (_stopped)
        {
            Fail(call, new SiloUnavailableException($"Silo {Address.Name} is stopping."));
            return;
        }

        // A call behind a pending directory lookup for the same grain waits for it: with a directory that answers
        // asynchronously (Redis), calls issued in order would otherwise overtake each other.
        if ((_slowRoutes.IsEmpty || !_slowRoutes.ContainsKey(call.Target)) && TryRouteKnown(call))
        {
            return;
        }

        RouteSlow(call);
    }

    private bool TryRouteKnown(OutstandingCall call)
    {
        if (Catalog.TryGet(call.Target, out var local))
        {
            local!.Enqueue(new LocalRequest(this, call));
            return true;
        }

        if (DirectoryCache.TryGetValue(call.Target, out var cached) && cached.Silo != Address && Membership.IsActive(cached.Silo))
        {
            SendRemote(call, cached.Silo);
            return true;
        }

        return false;
    }

    private void RouteSlow(OutstandingCall call)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? previous;
        lock (_slowRoutesLock)
        {
            _slowRoutes.TryGetValue(call.Target, out previous);
            _slowRoutes[call.Target] = done.Task;
        }

        _ = RouteAfterAsync(previous, call, done);
    }

    private async Task RouteAfterAsync(Task? previous, OutstandingCall call, TaskCompletionSource done)
    {
        try
        {
            if (previous is not null)
            {
                await previous;
                if (TryRouteKnown(call))
                {
                    return;
                }
            }

            await RouteSlowAsync(call);
        }
        finally
        {
            lock (_slowRoutesLock)
            {
                if (_slowRoutes.TryGetValue(call.Target, out var tail) && tail == done.Task)
                {
                    _slowRoutes.TryRemove(call.Target, out _);
                }
            }

            done.TrySetResult();
        }
    }

    private async Task RouteSlowAsync(OutstandingCall call)
    {
        try
        {
            var grainClass = GetClass(call.Target);
            var found = await _directory.LookupAsync(call.Target, _stopping.Token);
            GrainAddress? previous = null;
            if (found is not null)
            {
                if (found.Silo == Address)
                {
                    // Our own entry but no activation here: it is stale, replace it.
                    previous = found;
                }
                else if (Membership.IsDead(found.Silo))
                {
                    previous = found;
                }
                else
                {
                    DirectoryCache[call.Target] = found;
                    SendRemote(call, found.Silo);
                    return;
                }
            }

            SiloAddress target;
            try
            {
                target = Placement.Place(call.Target, grainClass);
            }
            catch (SiloUnavailableException)
            {
                // The silo the grain needs may have joined since the last table read: read it again once.
                await Membership.RefreshAsync(_stopping.Token);
                target = Placement.Place(call.Target, grainClass);
            }
            if (target == Address)
            {
                ActivateAndEnqueue(call.Target, grainClass, new LocalRequest(this, call), previous);
            }
            else
            {
                // Remember the choice so that calls queued behind this one follow it; a "not here" answer clears it.
                DirectoryCache[call.Target] = new GrainAddress(call.Target, target, Guid.Empty);
                SendRemote(call, target);
            }
        }
        catch (Exception ex)
        {
            Fail(call, ex);
        }
    }

    private GrainClassInfo GetClass(GrainId grainId) => _grainTypes.TryGetClass(grainId.Type, out var info)
        ? info!
        : throw new InvalidOperationException($"Grain type '{grainId.Type}' is not known on silo {Address.Name}.");

    private void ActivateAndEnqueue(GrainId grainId, GrainClassInfo grainClass, IncomingRequest request, GrainAddress? previous)
    {
        var activation = Catalog.GetOrCreate(grainId, id => new ActivationData(this, id, grainClass), out var created);
        activation.Enqueue(request);
        if (created)
        {
            activation.WorkQueue.Post(static s => { var (a, p) = ((ActivationData, GrainAddress?))s!; _ = a.ActivateAsync(p); }, (activation, previous));
        }
    }

    private void SendRemote(OutstandingCall call, SiloAddress silo)
    {
        lock (_connecting)
        {
            // While a connection to the silo is being set up, calls queue behind the first one and keep their order.
            if (_connecting.TryGetValue(silo, out var queued))
            {
                queued.Add(call);
                return;
            }

            var pending = Connections.GetAsync(silo, _stopping.Token);
            if (pending.IsCompletedSuccessfully)
            {
                SendOn(call, pending.Result);
                return;
            }

            _connecting[silo] = [call];
            _ = SendWhenConnectedAsync(silo, pending);
        }
    }

    private async Task SendWhenConnectedAsync(SiloAddress silo, ValueTask<Connection> pending)
    {
        Connection? connection = null;
        Exception? failure = null;
        try
        {
            connection = await pending;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        List<OutstandingCall> calls;
        lock (_connecting)
        {
            _connecting.Remove(silo, out var queued);
            calls = queued ?? [];
            foreach (var call in calls)
            {
                if (connection is not null)
                {
                    SendOn(call, connection);
                }
            }
        }

        if (failure is not null)
        {
            // A silo that cannot be reached may have just died: if a fresh read of the membership table says so, the
            // calls go to the grain's new home instead of failing.
            var dead = false;
            try
            {
                await Membership.RefreshAsync(_stopping.Token);
                dead = Membership.IsDead(silo);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefreshFailed(Logger, ex.Message);
            }

            foreach (var call in calls)
            {
                DirectoryCache.TryRemove(call.Target, out _);
                if (dead)
                {
                    Reroute(call, null, $"silo {silo} is dead");
                }
                else
                {
                    Fail(call, failure is SiloUnavailableException ? failure : new SiloUnavailableException($"Cannot reach silo {silo} for {call}: {failure.Message}", failure));
                }
            }
        }
    }

    private void SendOn(OutstandingCall call, Connection connection)
    {
        call.SentOn = connection;
        var sent = connection.Send(call, static (w, c, v) => MessageCodec.Write(w, new Message
        {
            Kind = c.IsOneWay ? MessageKind.OneWay : MessageKind.Request,
            Id = c.Id,
            Target = c.Target,
            Body = c.Invokable,
            TimeoutMs = c.RemainingMs,
            CallChain = c.CallChain,
            ForwardCount = c.ForwardCount,
        }, v));
        if (!sent)
        {
            Fail(call, new SiloUnavailableException($"The connection to {connection.RemoteSilo} closed before {call} could be sent."));
        }
    }

    /// <summary>Completes a call with a result (if it is still pending).</summary>
    public void Complete(OutstandingCall call, object? result)
    {
        if (call.IsOneWay || !_pending.TryRemove(new KeyValuePair<long, OutstandingCall>(call.Id, call)))
        {
            return;
        }

        Metrics.CallCompleted(call.Invokable.Method.DisplayName, call.StartTimestamp, failed: false);
        call.Sink!.SetResult(result);
    }

    /// <summary>Fails a call (if it is still pending); one-way failures are logged.</summary>
    public void Fail(OutstandingCall call, Exception exception)
    {
        if (call.IsOneWay)
        {
            LogOneWayFailed(Logger, call.ToString(), exception.Message);
            return;
        }

        if (!_pending.TryRemove(new KeyValuePair<long, OutstandingCall>(call.Id, call)))
        {
            return;
        }

        Metrics.CallCompleted(call.Invokable.Method.DisplayName, call.StartTimestamp, failed: true);
        call.Sink!.SetException(exception);
    }

    /// <summary>Routes a call again after a "not here" answer, up to the forward limit.</summary>
    public void Reroute(OutstandingCall call, SiloAddress? hint, string reason)
    {
        DirectoryCache.TryRemove(call.Target, out _);
        if (++call.ForwardCount > MessagingOptions.MaxForwardCount)
        {
            Fail(call, new SiloUnavailableException($"{call} was re-routed {call.ForwardCount - 1} times without reaching an activation; last reason: {reason}."));
            return;
        }

        if (hint is not null && hint != Address && Membership.IsActive(hint))
        {
            SendRemote(call, hint);
            return;
        }

        Route(call);
    }

    private void ExpireCalls()
    {
        var now = Environment.TickCount64;
        foreach (var (_, call) in _pending)
        {
            if (call.DeadlineTicks < now)
            {
                var state = Catalog.TryGet(call.Target, out var activation) ? $" The activation on this silo is {activation!.DescribeState()}." : string.Empty;
                Fail(call, new GrainCallTimeoutException($"{call} timed out after {call.Timeout}.{state}"));
            }
        }
    }

    private void CollectIdle()
    {
        var threshold = Environment.TickCount64 - (long)CollectionOptions.CollectionAge.TotalMilliseconds;
        foreach (var activation in Catalog.All)
        {
            if (activation.State == ActivationState.Valid && activation.LastActivityTicks < threshold && activation.IsIdle)
            {
                activation.StartDeactivation(DeactivationReason.IdleCollection);
            }
        }
    }

    // ---------------------------------------------------------------- directory

    /// <summary>
    /// Registers <paramref name="address"/> with compare-and-set; replaces entries that point to dead silos. Returns
    /// the address that is registered afterwards.
    /// </summary>
    public async Task<GrainAddress> RegisterInDirectoryAsync(GrainAddress address, GrainAddress? previous)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var winner = await _directory.RegisterAsync(address, previous, _stopping.Token);
            if (winner == address || winner.Silo == Address || !Membership.IsDead(winner.Silo))
            {
                if (winner.Silo == Address && winner != address)
                {
                    // A stale entry of this very silo (a previous activation that is gone): replace it.
                    previous = winner;
                    continue;
                }

                return winner;
            }

            previous = winner;
        }

        return await _directory.RegisterAsync(address, previous, _stopping.Token);
    }

    public async Task UnregisterFromDirectoryAsync(GrainAddress address)
    {
        DirectoryCache.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        try
        {
            await _directory.UnregisterAsync(address);
        }
        catch (Exception ex)
        {
            LogUnregisterFailed(Logger, address.GrainId, ex.Message);
        }
    }

    // ---------------------------------------------------------------- frames from the network

    public void OnFrame(Connection connection, GrainReader frame)
    {
        frame.ReferenceActivator = Invoker;
        long id = 0;
        try
        {
            (var kind, id) = MessageCodec.ReadHeader(frame);
            switch (kind)
            {
                case MessageKind.Request or MessageKind.OneWay:
                    OnRequest(connection, MessageCodec.ReadRequest(frame, kind, id));
                    break;
                case MessageKind.Response:
                    OnResponse(frame, id);
                    break;
                case MessageKind.Ping:
                    connection.Send(id, static (w, i, v) => { w.WriteByte(v); w.WriteByte((byte)MessageKind.Pong); w.WriteVarUInt64((ulong)i); });
                    break;
                case MessageKind.Pong:
                    if (_pings.TryRemove(id, out var ping))
                    {
                        ping.TrySetResult(true);
                    }

                    break;
            }
        }
        catch (UnknownMethodException ex)
        {
            SendError(connection, ex.RequestId, ex);
        }
        catch (Exception ex) when (ex is Granary.SerializationException or InvalidCastException)
        {
            LogBadFrame(Logger, connection.ToString(), ex.Message);
            if (_pending.TryGetValue(id, out var call))
            {
                Fail(call, new Granary.SerializationException($"The response to {call} could not be read: {ex.Message}", ex));
            }
        }
    }

    private void OnRequest(Connection connection, Message message)
    {
        var deadline = Environment.TickCount64 + message.TimeoutMs;
        if (connection.RemoteClientId is not null)
        {
            // A client's request: this silo is its gateway and calls on the client's behalf.
            var sink = message.Kind == MessageKind.OneWay ? null : new RelaySink(connection, message.Id, message.Body!);
            var call = new OutstandingCall(NextId(), message.Target, message.Body!, sink, message.CallChain, deadline, TimeSpan.FromMilliseconds(message.TimeoutMs));
            Send(call);
            return;
        }

        IncomingRequest request = message.Kind == MessageKind.OneWay
            ? new OneWayRemoteRequest(this, message) { CallChain = message.CallChain, DeadlineTicks = deadline }
            : new RemoteRequest(this, connection, message) { CallChain = message.CallChain, DeadlineTicks = deadline };
        if (_stopped)
        {
            request.Reroute($"silo {Address.Name} is stopping");
            return;
        }

        if (Catalog.TryGet(message.Target, out var activation))
        {
            activation!.Enqueue(request);
            return;
        }

        if (!_grainTypes.TryGetClass(message.Target.Type, out var grainClass) || !Placement.CanHostHere(message.Target, grainClass!))
        {
            request.Reroute($"silo {Address.Name} cannot host {message.Target}");
            return;
        }

        ActivateAndEnqueue(message.Target, grainClass!, request, previous: null);
    }

    private void OnResponse(GrainReader frame, long id)
    {
        if (!_pending.TryGetValue(id, out var call))
        {
            return;
        }

        var message = MessageCodec.ReadResponse(frame, id, call.Invokable);
        switch (message.Status)
        {
            case ResponseStatus.Ok:
                Complete(call, message.Result);
                break;
            case ResponseStatus.Error:
                Fail(call, message.Exception!);
                break;
            case ResponseStatus.NotHere:
                Reroute(call, message.ForwardTo, message.RejectionReason ?? "not here");
                break;
            default:
                Fail(call, new SiloUnavailableException(message.RejectionReason ?? $"{call} could not run."));
                break;
        }
    }

    public void SendError(Connection connection, long id, Exception exception) =>
        connection.Send((id, exception), static (w, s, v) => MessageCodec.Write(w, new Message { Kind = MessageKind.Response, Id = s.id, Status = ResponseStatus.Error, Exception = s.exception }, v));

    public void SendRejection(Connection connection, long id, ResponseStatus status, string reason, SiloAddress? forwardTo) =>
        connection.Send((id, status, reason, forwardTo), static (w, s, v) => MessageCodec.Write(w, new Message
        {
            Kind = MessageKind.Response,
            Id = s.id,
            Status = s.status,
            RejectionReason = s.reason,
            ForwardTo = s.forwardTo,
        }, v));

    public void OnClosed(Connection connection, Exception? reason)
    {
        foreach (var (_, call) in _pending)
        {
            if (call.SentOn == connection)
            {
                Fail(call, new SiloUnavailableException($"The connection to {connection.RemoteSilo?.ToString() ?? connection.Remote} was lost while {call} was pending."));
            }
        }

        // A dial-out silo re-dials silos it lost while they are still active.
        if (!_stopped && _listenEndpoint is null && connection.RemoteSilo is { } silo && Membership.IsActive(silo))
        {
            _ = RedialAsync(silo);
        }
    }

    private async Task RedialAsync(SiloAddress silo)
    {
        for (var attempt = 0; attempt < 20 && !_stopped && Membership.IsActive(silo); attempt++)
        {
            try
            {
                await Connections.GetAsync(silo, _stopping.Token);
                return;
            }
            catch (Exception) when (!_stopped)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), TimeProvider, CancellationToken.None);
            }
        }
    }

    // ---------------------------------------------------------------- membership

    private async Task<bool> PingAsync(SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = NextId();
        var pong = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[id] = pong;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            var connection = await Connections.GetAsync(silo, cts.Token).AsTask().WaitAsync(cts.Token);
            connection.Send(id, static (w, i, v) => { w.WriteByte(v); w.WriteByte((byte)MessageKind.Ping); w.WriteVarUInt64((ulong)i); });
            return await pong.Task.WaitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SiloUnavailableException or TimeoutException or ObjectDisposedException)
        {
            LogProbeFailed(Logger, silo, ex.Message);
            return false;
        }
        finally
        {
            _pings.TryRemove(id, out _);
        }
    }

    private void OnViewChanged(IReadOnlyList<SiloAddress> active, IReadOnlyList<SiloAddress> dead)
    {
        if (dead.Count > 0)
        {
            foreach (var silo in dead)
            {
                Connections.Disconnect(silo);
            }

            foreach (var entry in DirectoryCache)
            {
                if (dead.Contains(entry.Value.Silo))
                {
                    DirectoryCache.TryRemove(entry);
                }
            }

            _ = CleanDirectoryAsync(dead);
        }

        ConnectDialOut();
    }

    private async Task CleanDirectoryAsync(IReadOnlyList<SiloAddress> dead)
    {
        try
        {
            await _directory.UnregisterSilosAsync(dead, _stopping.Token);
        }
        catch (Exception ex)
        {
            LogUnregisterFailed(Logger, default, ex.Message);
        }
    }

    /// <summary>A dial-out silo keeps a connection to every active silo so that they can reach it.</summary>
    private void ConnectDialOut()
    {
        if (_listenEndpoint is not null || _stopped)
        {
            return;
        }

        foreach (var silo in Membership.ActiveSilos)
        {
            if (silo != Address && silo.Endpoint is not null && Connections.TryGet(silo) is null)
            {
                _ = RedialAsync(silo);
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /// <summary>Graceful stop: deactivates every activation, leaves the membership table, closes connections.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        var activations = Catalog.All.ToList();
        foreach (var a in activations)
        {
            a.StartDeactivation(DeactivationReason.ShuttingDown);
        }

        var deadline = Environment.TickCount64 + (long)CollectionOptions.DeactivationTimeout.TotalMilliseconds;
        while (Catalog.Count > 0 && Environment.TickCount64 < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        _stopped = true;
        await Membership.LeaveAsync(cancellationToken);
        await ShutdownAsync(new SiloUnavailableException($"Silo {Address.Name} stopped."));
    }

    /// <summary>Abrupt stop, as if the process died: no deactivation callbacks, no goodbye in the membership table.</summary>
    public async Task KillAsync()
    {
        _stopped = true;
        if (Membership is null)
        {
            // Never started (its start failed): nothing joined, nothing to stop.
            return;
        }

        await Membership.StopLoopsAsync();
        await ShutdownAsync(new SiloUnavailableException($"Silo {Address.Name} was killed."));
    }

    private async Task TerminateAsync()
    {
        _stopped = true;
        await ShutdownAsync(new SiloUnavailableException($"Silo {Address.Name} was declared dead by the cluster."));
        Terminated?.Invoke();
        await Membership.StopLoopsAsync();
    }

    private async Task ShutdownAsync(Exception reason)
    {
        _stopping.Cancel();
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        _deadlineTimer?.Dispose();
        _collectionTimer?.Dispose();
        foreach (var a in Catalog.RemoveAll())
        {
            a.Abandon(reason);
        }

        await Connections.DisposeAsync();
        foreach (var (_, call) in _pending)
        {
            Fail(call, reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await KillAsync();
        }

        Metrics.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe of {Silo} failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, SiloAddress silo, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the membership table failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Address} started")]
    private static partial void LogStarted(ILogger logger, SiloAddress address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "One-way call {Call} failed: {Reason}")]
    private static partial void LogOneWayFailed(ILogger logger, string call, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory clean-up failed for {GrainId}: {Reason}")]
    private static partial void LogUnregisterFailed(ILogger logger, GrainId grainId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an unreadable frame from {Connection}: {Reason}")]
    private static partial void LogBadFrame(ILogger logger, string connection, string reason);
}
