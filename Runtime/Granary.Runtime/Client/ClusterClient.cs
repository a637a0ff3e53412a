using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Granary.Invocation;
using Granary.Runtime.Messaging;
using Granary.Runtime.Transport;
using Granary.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Client;

/// <summary>
/// Calls grains from outside the cluster through gateway silos. It keeps a connection to every configured gateway
/// it can reach and spreads calls over them; when a gateway dies, the calls pending on it fail with
/// <see cref="SiloUnavailableException"/>, new calls go to the remaining gateways, and the lost one is re-dialed in
/// the background.
/// </summary>
public sealed partial class ClusterClient : IGrainFactory, IAsyncDisposable
{
    private readonly ClientOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, OutstandingCall> _pending = new();
    private readonly ConcurrentDictionary<string, Connection> _gateways = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _manifest = new();
    private readonly string _clientId = "client-" + Guid.NewGuid().ToString("N")[..12];
    private readonly CancellationTokenSource _disposed = new();
    private readonly Invoker _invoker;
    private readonly GrainFactory _factory;
    private readonly Timer _deadlineTimer;
    private long _nextId;
    private int _roundRobin;

    public ClusterClient(ClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Gateways.Count == 0)
        {
            throw new ArgumentException("At least one gateway endpoint is required.", nameof(options));
        }

        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Granary.Runtime.Client");
        GrainInterfaceRegistry.RegisterLoadedAssemblies();
        _invoker = new Invoker(this);
        _factory = new GrainFactory(_invoker, ResolveGrainType);
        _deadlineTimer = new Timer(static s => ((ClusterClient)s!).ExpireCalls(), this, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Gateways currently connected.</summary>
    public int ConnectedGateways => _gateways.Values.Count(c => !c.IsClosed);

    /// <summary>Connects to the gateways; succeeds when at least one answers.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(_options.Gateways.Select(g => TryConnectAsync(g, cancellationToken))).ConfigureAwait(false);
        if (!results.Any(r => r))
        {
            throw new SiloUnavailableException($"No gateway answered: {string.Join(", ", _options.Gateways)}.");
        }
    }

    private async Task<bool> TryConnectAsync(string gateway, CancellationToken cancellationToken)
    {
        var endpoint = IPEndPoint.Parse(gateway);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        Connection? connection = null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            cts.CancelAfter(_options.ConnectTimeout);
            await socket.ConnectAsync(endpoint, cts.Token).ConfigureAwait(false);
            connection = new Connection(socket, outbound: true, 64 * 1024 * 1024, _logger);
            var hello = await connection.HandshakeAsync(_ => new Hello(ProtocolVersion.Min, ProtocolVersion.Max, _options.ClusterId, null, _clientId, null),
                _options.ClusterId, _options.ConnectTimeout, cts.Token).ConfigureAwait(false);
            foreach (var (id, type) in hello.Manifest ?? new Dictionary<int, string>())
            {
                _manifest[id] = type;
            }

            _gateways[gateway] = connection;
            connection.Start(new Handler(this, gateway));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or OperationCanceledException or Granary.SerializationException)
        {
            LogConnectFailed(_logger, gateway, ex.Message);
            connection?.Close(null);
            socket.Dispose();
            return false;
        }
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey => _factory.GetGrain<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(Guid key) where TGrainInterface : IGrainWithGuidKey => _factory.GetGrain<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey => _factory.GetGrain<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IGrain => _factory.GetGrain<TGrainInterface>(grainId);

    private string ResolveGrainType(Type grainInterface) =>
        _manifest.TryGetValue(GrainInterfaceRegistry.GetInterfaceId(grainInterface), out var type)
            ? type
            : throw new InvalidOperationException($"The cluster has no single grain class implementing {grainInterface} (or the client is not connected).");

    private Connection PickGateway()
    {
        var live = _gateways.Values.Where(c => !c.IsClosed).ToArray();
        if (live.Length == 0)
        {
            throw new SiloUnavailableException("The client has no live gateway connection.");
        }

        return live[(int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)live.Length)];
    }

    private void Send(OutstandingCall call)
    {
        Connection gateway;
        try
        {
            gateway = PickGateway();
        }
        catch (SiloUnavailableException ex)
        {
            if (call.Sink is not null && _pending.TryRemove(call.Id, out _))
            {
                call.Sink.SetException(ex);
            }

            return;
        }

        call.SentOn = gateway;
        var sent = gateway.Send(call, static (w, c, v) => MessageCodec.Write(w, new Message
        {
            Kind = c.IsOneWay ? MessageKind.OneWay : MessageKind.Request,
            Id = c.Id,
            Target = c.Target,
            Body = c.Invokable,
            TimeoutMs = c.RemainingMs,
        }, v));
        if (!sent && call.Sink is not null && _pending.TryRemove(call.Id, out _))
        {
            call.Sink.SetException(new SiloUnavailableException($"The gateway connection closed before {call} was sent."));
        }
    }

    private void OnFrame(GrainReader frame)
    {
        frame.ReferenceActivator = _invoker;
        var (kind, id) = MessageCodec.ReadHeader(frame);
        if (kind != MessageKind.Response || !_pending.TryGetValue(id, out var call))
        {
            return;
        }

        Message message;
        try
        {
            message = MessageCodec.ReadResponse(frame, id, call.Invokable);
        }
        catch (Exception ex) when (ex is Granary.SerializationException or InvalidCastException)
        {
            message = new Message { Kind = MessageKind.Response, Id = id, Status = ResponseStatus.Error, Exception = ex };
        }

        if (!_pending.TryRemove(new KeyValuePair<long, OutstandingCall>(id, call)))
        {
            return;
        }

        switch (message.Status)
        {
            case ResponseStatus.Ok:
                call.Sink!.SetResult(message.Result);
                break;
            case ResponseStatus.Error:
                call.Sink!.SetException(message.Exception!);
                break;
            default:
                call.Sink!.SetException(new SiloUnavailableException(message.RejectionReason ?? $"{call} could not run."));
                break;
        }
    }

    private void OnClosed(Connection connection, string gateway)
    {
        foreach (var (id, call) in _pending)
        {
            if (call.SentOn == connection && _pending.TryRemove(new KeyValuePair<long, OutstandingCall>(id, call)))
            {
                call.Sink!.SetException(new SiloUnavailableException($"Gateway {gateway} was lost while {call} was pending."));
            }
        }

        _gateways.TryRemove(new KeyValuePair<string, Connection>(gateway, connection));
        if (!_disposed.IsCancellationRequested)
        {
            _ = ReconnectAsync(gateway);
        }
    }

    private async Task ReconnectAsync(string gateway)
    {
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelay, _disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryConnectAsync(gateway, _disposed.Token).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private void ExpireCalls()
    {
        var now = Environment.TickCount64;
        foreach (var (id, call) in _pending)
        {
            if (call.DeadlineTicks < now && _pending.TryRemove(new KeyValuePair<long, OutstandingCall>(id, call)))
            {
                call.Sink!.SetException(new GrainCallTimeoutException($"{call} timed out after {call.Timeout}."));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        await _deadlineTimer.DisposeAsync().ConfigureAwait(false);
        foreach (var c in _gateways.Values)
        {
            c.Close(null);
        }

        foreach (var (id, call) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                call.Sink?.SetException(new ObjectDisposedException(nameof(ClusterClient)));
            }
        }
    }

    private sealed class Invoker(ClusterClient client) : IGrainCallInvoker
    {
        public Task<T> InvokeAsync<T>(GrainReference target, Invokable invokable)
        {
            var sink = new PendingCall<T>();
            var call = Prepare(target, invokable, sink);
            client._pending[call.Id] = call;
            client.Send(call);
            return sink.Task;
        }

        public void InvokeOneWay(GrainReference target, Invokable invokable) => client.Send(Prepare(target, invokable, null));

        private OutstandingCall Prepare(GrainReference target, Invokable invokable, ResponseSink? sink)
        {
            var timeout = GrainCallOptions.CurrentTimeout ?? invokable.Method.ResponseTimeout ?? client._options.ResponseTimeout;
            return new OutstandingCall(Interlocked.Increment(ref client._nextId), target.GrainId, invokable, sink, null,
                Environment.TickCount64 + (long)timeout.TotalMilliseconds, timeout);
        }

        public object CreateReference(Type interfaceType, GrainId grainId) => GrainInterfaceRegistry.GetProxyFactory(interfaceType)(this, grainId);
    }

    private sealed class Handler(ClusterClient client, string gateway) : IFrameHandler
    {
        public void OnFrame(Connection connection, GrainReader frame) => client.OnFrame(frame);

        public void OnClosed(Connection connection, Exception? reason) => client.OnClosed(connection, gateway);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot connect to gateway {Gateway}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string gateway, string reason);
}
