using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Granary.Runtime.Configuration;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Transport;

/// <summary>
/// Keeps one connection per peer silo, usable in both directions. A silo dials a peer the first time it needs it;
/// a dial-out silo (no listening port) is never dialed: others wait for the connection it opens. When both sides
/// dial at once, both keep the connection opened by the silo with the lower address and close the other after a
/// grace period, so the pair ends with one connection.
/// </summary>
internal sealed partial class ConnectionManager : IAsyncDisposable
{
    private static readonly TimeSpan DuplicateGrace = TimeSpan.FromSeconds(2);

    private readonly SiloAddress _self;
    private readonly SiloOptions _siloOptions;
    private readonly MessagingOptions _options;
    private readonly Func<Hello> _hello;
    private readonly IFrameHandler _handler;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<SiloAddress, Connection> _preferred = new();
    private readonly ConcurrentDictionary<SiloAddress, Lazy<Task<Connection>>> _dialing = new();
    private readonly ConcurrentDictionary<SiloAddress, TaskCompletionSource<Connection>> _awaitingInbound = new();
    private readonly ConcurrentDictionary<Connection, byte> _all = new();
    private volatile bool _partitioned;
    private volatile bool _disposed;

    public ConnectionManager(SiloAddress self, SiloOptions siloOptions, MessagingOptions options, Func<Hello> hello, IFrameHandler handler, ILogger logger)
    {
        _self = self;
        _siloOptions = siloOptions;
        _options = options;
        _hello = hello;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>Silos with an established connection.</summary>
    public ICollection<SiloAddress> ConnectedSilos => _preferred.Keys;

    /// <summary>
    /// Simulates a network partition (for tests): closes every connection and refuses new ones while true.
    /// </summary>
    public bool Partitioned
    {
        get => _partitioned;
        set
        {
            _partitioned = value;
            if (value)
            {
                CloseAll();
            }
        }
    }

    /// <summary>The connection to <paramref name="silo"/>, dialing it (or waiting for it to dial in) if needed.</summary>
    public ValueTask<Connection> GetAsync(SiloAddress silo, CancellationToken cancellationToken = default)
    {
        if (_preferred.TryGetValue(silo, out var existing) && !existing.IsClosed)
        {
            return new ValueTask<Connection>(existing);
        }

        return new ValueTask<Connection>(GetSlowAsync(silo, cancellationToken));
    }

    /// <summary>The existing connection to <paramref name="silo"/>, if any.</summary>
    public Connection? TryGet(SiloAddress silo) => _preferred.TryGetValue(silo, out var c) && !c.IsClosed ? c : null;

    private async Task<Connection> GetSlowAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_partitioned)
        {
            throw new SiloUnavailableException($"Silo {_self.Name} is cut off from the network.");
        }

        if (silo.Endpoint is null)
        {
            var waiter = _awaitingInbound.GetOrAdd(silo, _ => new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously));
            if (_preferred.TryGetValue(silo, out var arrived) && !arrived.IsClosed)
            {
                return arrived;
            }

            try
            {
                return await waiter.Task.WaitAsync(_options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _awaitingInbound.TryRemove(new KeyValuePair<SiloAddress, TaskCompletionSource<Connection>>(silo, waiter));
                throw new SiloUnavailableException($"Silo {silo} accepts no connections and has not connected to {_self.Name} within {_options.ConnectTimeout}.");
            }
        }

        var lazy = _dialing.GetOrAdd(silo, s => new Lazy<Task<Connection>>(() => DialAsync(s)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (lazy.Value.IsCompleted)
            {
                _dialing.TryRemove(new KeyValuePair<SiloAddress, Lazy<Task<Connection>>>(silo, lazy));
            }
        }
    }

    /// <summary>Dials <paramref name="endpoint"/> (a gateway or a silo) and completes the handshake.</summary>
    public async Task<Connection> DialAsync(SiloAddress silo)
    {
        var connection = await DialEndpointAsync(silo.Endpoint!, CancellationToken.None).ConfigureAwait(false);
        if (connection.RemoteSilo != silo)
        {
            connection.Close(null);
            throw new SiloUnavailableException($"Expected silo {silo} at {silo.Endpoint} but found {connection.RemoteSilo?.ToString() ?? "a non-silo"}; it has restarted or been replaced.");
        }

        return connection;
    }

    private async Task<Connection> DialEndpointAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        Connection? connection = null;
        try
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(_options.ConnectTimeout);
                await socket.ConnectAsync(endpoint, cts.Token).ConfigureAwait(false);
            }

            connection = new Connection(socket, outbound: true, _options.MaxFrameBytes, _logger);
            await connection.HandshakeAsync(_ => _hello(), _siloOptions.ClusterId, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            if (_partitioned || _disposed)
            {
                throw new SiloUnavailableException($"Silo {_self.Name} is cut off from the network.");
            }

            Register(connection);
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or OperationCanceledException or Granary.SerializationException)
        {
            connection?.Close(null);
            socket.Dispose();
            throw new SiloUnavailableException($"Cannot connect to silo at {endpoint}: {ex.Message}", ex);
        }
        catch
        {
            connection?.Close(null);
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Registers a connection whose handshake completed (inbound or outbound) and starts reading it.</summary>
    public void Register(Connection connection)
    {
        if (_partitioned || _disposed)
        {
            connection.Close(null);
            return;
        }

        _all[connection] = 0;
        connection.Start(new Tracker(this));
        var silo = connection.RemoteSilo;
        if (silo is null)
        {
            return;
        }

        while (true)
        {
            if (!_preferred.TryGetValue(silo, out var current) || current.IsClosed)
            {
                if (current is null ? _preferred.TryAdd(silo, connection) : _preferred.TryUpdate(silo, connection, current))
                {
                    break;
                }

                continue;
            }

            // Two live connections to the same silo: both sides keep the one dialed by the lower address.
            var keepNew = Initiator(current).CompareTo(Initiator(connection)) < 0 ? current : connection;
            var drop = keepNew == connection ? current : connection;
            if (keepNew == connection && !_preferred.TryUpdate(silo, connection, current))
            {
                continue;
            }

            _ = CloseLaterAsync(drop);
            break;
        }

        if (_awaitingInbound.TryRemove(silo, out var waiter))
        {
            waiter.TrySetResult(connection);
        }
    }

    /// <summary>The silo that dialed <paramref name="c"/>; both ends agree on it, so both keep the same connection.</summary>
    private SiloAddress Initiator(Connection c) => c.Outbound ? _self : c.RemoteSilo!;

    private static async Task CloseLaterAsync(Connection connection)
    {
        await Task.Delay(DuplicateGrace).ConfigureAwait(false);
        connection.Close(null);
    }

    /// <summary>Closes the connection to <paramref name="silo"/> (for example when it is declared dead).</summary>
    public void Disconnect(SiloAddress silo)
    {
        if (_preferred.TryRemove(silo, out var connection))
        {
            connection.Close(null);
        }

        foreach (var c in _all.Keys.Where(c => c.RemoteSilo == silo))
        {
            c.Close(null);
        }
    }

    public void CloseAll()
    {
        foreach (var c in _all.Keys)
        {
            c.Close(null);
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        CloseAll();
        foreach (var waiter in _awaitingInbound.Values)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(ConnectionManager)));
        }

        return ValueTask.CompletedTask;
    }

    private void OnClosed(Connection connection)
    {
        _all.TryRemove(connection, out _);
        if (connection.RemoteSilo is { } silo)
        {
            _preferred.TryRemove(new KeyValuePair<SiloAddress, Connection>(silo, connection));
            var replacement = _all.Keys.FirstOrDefault(c => c.RemoteSilo == silo && !c.IsClosed);
            if (replacement is not null)
            {
                _preferred.TryAdd(silo, replacement);
            }
        }
    }

    /// <summary>Forwards frames to the silo's handler and keeps the connection table current.</summary>
    private sealed class Tracker(ConnectionManager owner) : IFrameHandler
    {
        public void OnFrame(Connection connection, Serialization.GrainReader frame) => owner._handler.OnFrame(connection, frame);

        public void OnClosed(Connection connection, Exception? reason)
        {
            owner.OnClosed(connection);
            owner._handler.OnClosed(connection, reason);
        }
    }
}
