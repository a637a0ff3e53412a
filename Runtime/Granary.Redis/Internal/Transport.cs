using System.IO.Pipelines;
using System.Net.Sockets;

namespace Granary.Redis.Internal;

/// <summary>
/// One TCP connection to the server with its pipe reader and writer. The first failure recorded by
/// <see cref="Abort"/> is the reason the connection ended; aborting closes the socket so that both loops stop.
/// </summary>
internal sealed class Transport
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private Exception? _failure;
    private int _closed;

    public Transport(Socket socket, int generation, string endPoint)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        Generation = generation;
        EndPoint = endPoint;
    }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    /// <summary>Counts connections made by one client, starting at 1.</summary>
    public int Generation { get; }

    public string EndPoint { get; }

    /// <summary>The reader loop of this connection; it ends when the connection does.</summary>
    public Task? ReadLoop { get; set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Records <paramref name="reason"/> (first one wins) and closes the socket.</summary>
    public void Abort(Exception? reason)
    {
        if (reason is not null)
        {
            Interlocked.CompareExchange(ref _failure, reason, null);
        }

        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        _stream.Dispose();
    }
}
