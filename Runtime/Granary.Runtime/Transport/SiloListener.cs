using System.Net;
using System.Net.Sockets;
using Granary.Runtime.Configuration;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Transport;

/// <summary>Accepts TCP connections from silos and clients, runs the handshake, and registers them.</summary>
internal sealed partial class SiloListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private ConnectionManager? _connections;
    private readonly SiloOptions _siloOptions;
    private readonly MessagingOptions _options;
    private readonly Func<Hello, Hello> _answer;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _acceptLoop;

    public SiloListener(IPEndPoint endpoint, SiloOptions siloOptions, MessagingOptions options, Func<Hello, Hello> answer, ILogger logger)
    {
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        _socket.Listen(512);
        _siloOptions = siloOptions;
        _options = options;
        _answer = answer;
        _logger = logger;
    }

    /// <summary>The bound endpoint (with the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Starts accepting; handshaken connections are registered with <paramref name="connections"/>.</summary>
    public void Start(ConnectionManager connections)
    {
        _connections = connections;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = HandshakeAsync(accepted);
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        if (_connections!.Partitioned)
        {
            socket.Close();
            return;
        }

        var connection = new Connection(socket, outbound: false, _options.MaxFrameBytes, _logger);
        try
        {
            // The acceptor answers with a hello shaped for the peer (clients get the grain manifest).
            await connection.HandshakeAsync(peer => _answer(peer!), _siloOptions.ClusterId, _options.ConnectTimeout, _stop.Token).ConfigureAwait(false);
            _connections!.Register(connection);
        }
        catch (Exception ex)
        {
            LogHandshakeFailed(_logger, connection.Remote, ex.Message);
            connection.Close(null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Close();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handshake with {Remote} failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string remote, string reason);
}
