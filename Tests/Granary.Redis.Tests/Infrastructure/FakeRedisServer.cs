using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Granary.Redis.Tests.Infrastructure;

/// <summary>
/// A scripted TCP server on 127.0.0.1 standing in for Redis: for every command it reads (one RESP array per
/// command), it asks the test what bytes to send back, and it can close the connection on request.
/// </summary>
public sealed class FakeRedisServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string[], FakeReply> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private int _connections;

    public FakeRedisServer(Func<string[], FakeReply> respond)
    {
        _respond = respond;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public RedisOptions Options(TimeSpan? commandTimeout = null) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(2),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // Stopping the listener ends the loop with an exception.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            lock (_clients)
            {
                _clients.Add(client);
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.UTF8);
            while (!_stop.IsCancellationRequested)
            {
                var command = await ReadCommandAsync(reader);
                if (command is null)
                {
                    return;
                }

                var reply = _respond(command);
                if (reply.Bytes.Length > 0)
                {
                    await stream.WriteAsync(reply.Bytes, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }

                if (reply.CloseAfter)
                {
                    client.Client.Shutdown(SocketShutdown.Both);
                    client.Dispose();
                    return;
                }
            }
        }
        catch (Exception)
        {
            // The client went away or the server is stopping.
        }
    }

    private static async Task<string[]?> ReadCommandAsync(StreamReader reader)
    {
        var header = await reader.ReadLineAsync();
        if (header is null)
        {
            return null;
        }

        var count = int.Parse(header.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var parts = new string[count];
        for (var i = 0; i < count; i++)
        {
            await reader.ReadLineAsync();
            parts[i] = await reader.ReadLineAsync() ?? string.Empty;
        }

        return parts;
    }
}
