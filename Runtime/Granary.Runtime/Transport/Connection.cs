using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Granary.Serialization;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Transport;

/// <summary>
/// One TCP connection carrying length-prefixed frames in both directions. Any thread may send: frames are
/// serialized by the caller, queued, and written by whichever sender finds the writer idle (often the caller itself,
/// so a lone call costs no thread switch). A read loop on System.IO.Pipelines decodes frames and hands them to the
/// <see cref="IFrameHandler"/>.
/// </summary>
internal sealed partial class Connection
{
    [ThreadStatic]
    private static GrainWriter? t_writer;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length)> _outbox = new();
    private readonly int _maxFrameBytes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private IFrameHandler? _handler;
    private int _sending;
    private int _closed;

    public Connection(Socket socket, bool outbound, int maxFrameBytes, ILogger logger)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
        Outbound = outbound;
        _maxFrameBytes = maxFrameBytes;
        _logger = logger;
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    /// <summary>True when this side dialed.</summary>
    public bool Outbound { get; }

    /// <summary>The remote endpoint, for logs.</summary>
    public string Remote { get; }

    /// <summary>The peer silo after handshake; null for a client peer.</summary>
    public SiloAddress? RemoteSilo { get; private set; }

    /// <summary>The peer client's id after handshake; null for a silo peer.</summary>
    public string? RemoteClientId { get; private set; }

    /// <summary>The peer's handshake.</summary>
    public Hello? PeerHello { get; private set; }

    /// <summary>The message version written to this peer.</summary>
    public byte Version { get; private set; } = Messaging.ProtocolVersion.Max;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Completed when the connection is closed.</summary>
    public CancellationToken ClosedToken => _closing.Token;

    /// <summary>
    /// Exchanges hellos: the dialing side writes first; the accepting side reads first and composes its answer from
    /// the peer's hello. Checks cluster id and negotiates the message version.
    /// </summary>
    public async Task<Hello> HandshakeAsync(Func<Hello?, Hello> compose, string clusterId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            Hello peer;
            if (Outbound)
            {
                await WriteHelloAsync(compose(null), cts.Token).ConfigureAwait(false);
                peer = await ReadHelloAsync(clusterId, cts.Token).ConfigureAwait(false);
            }
            else
            {
                peer = await ReadHelloAsync(clusterId, cts.Token).ConfigureAwait(false);
                await WriteHelloAsync(compose(peer), cts.Token).ConfigureAwait(false);
            }

            Version = Messaging.ProtocolVersion.Negotiate(peer.MinVersion, peer.MaxVersion)
                ?? throw new IOException($"Peer {Remote} speaks message versions {peer.MinVersion}..{peer.MaxVersion}; this process speaks {Messaging.ProtocolVersion.Min}..{Messaging.ProtocolVersion.Max}.");
            PeerHello = peer;
            RemoteSilo = peer.Silo;
            RemoteClientId = peer.ClientId;
            return peer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Handshake with {Remote} did not complete within {timeout}.");
        }
    }

    private async Task WriteHelloAsync(Hello hello, CancellationToken cancellationToken)
    {
        using var writer = new GrainWriter();
        hello.Write(writer);
        await WriteFrameDirectAsync(writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Hello> ReadHelloAsync(string clusterId, CancellationToken cancellationToken)
    {
        var frame = await ReadOneFrameAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException($"Connection to {Remote} closed during handshake.");
        var peer = Hello.Read(new GrainReader(frame));
        if (!string.Equals(peer.ClusterId, clusterId, StringComparison.Ordinal))
        {
            throw new IOException($"Peer {Remote} belongs to cluster '{peer.ClusterId}', not '{clusterId}'.");
        }

        return peer;
    }

    private async Task WriteFrameDirectAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var span = _writer.GetSpan(4 + payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, payload.Length);
        payload.Span.CopyTo(span[4..]);
        _writer.Advance(4 + payload.Length);
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]?> ReadOneFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(ref buffer, out var frame))
            {
                var copy = frame.ToArray();
                _reader.AdvanceTo(buffer.Start);
                return copy;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length < 0 || length > _maxFrameBytes)
        {
            throw new IOException($"Frame of {length} bytes from {Remote} exceeds the limit of {_maxFrameBytes}.");
        }

        if (buffer.Length < 4 + length)
        {
            return false;
        }

        frame = buffer.Slice(4, length);
        buffer = buffer.Slice(4 + length);
        return true;
    }

    /// <summary>Starts the read loop delivering frames to <paramref name="handler"/>.</summary>
    public void Start(IFrameHandler handler)
    {
        _handler = handler;
        _ = Task.Run(ReadLoopAsync);
    }

    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        var reader = new GrainReader(ReadOnlyMemory<byte>.Empty);
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    byte[]? rented = null;
                    ReadOnlyMemory<byte> memory;
                    if (frame.IsSingleSegment)
                    {
                        memory = frame.First;
                    }
                    else
                    {
                        rented = ArrayPool<byte>.Shared.Rent((int)frame.Length);
                        frame.CopyTo(rented);
                        memory = rented.AsMemory(0, (int)frame.Length);
                    }

                    reader.Reset(memory);
                    reader.ReferenceActivator = null;
                    _handler!.OnFrame(this, reader);
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Close(error);
    }

    /// <summary>
    /// Serializes a frame with <paramref name="write"/> on the calling thread and queues it. Never blocks; if the
    /// connection is closed the frame is dropped and false is returned.
    /// </summary>
    public bool Send<TState>(TState state, Action<GrainWriter, TState, byte> write)
    {
        if (IsClosed)
        {
            return false;
        }

        var writer = t_writer ??= new GrainWriter(4096);
        writer.Reset();
        var at = writer.ReserveLength();
        write(writer, state, Version);
        writer.PatchLength(at);
        var length = writer.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        writer.WrittenSpan.CopyTo(buffer);
        if (writer.Length > 64 * 1024)
        {
            // Do not keep a huge buffer per thread after a large message.
            t_writer = null;
            writer.Dispose();
        }

        _outbox.Enqueue((buffer, length));
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            _ = DrainAsync();
        }

        return true;
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                var wrote = 0;
                while (_outbox.TryDequeue(out var item))
                {
                    var span = _writer.GetSpan(item.Length);
                    item.Buffer.AsSpan(0, item.Length).CopyTo(span);
                    _writer.Advance(item.Length);
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                    if (++wrote >= 256)
                    {
                        break;
                    }
                }

                if (wrote > 0)
                {
                    var flush = await _writer.FlushAsync(_closing.Token).ConfigureAwait(false);
                    if (flush.IsCompleted)
                    {
                        Close(null);
                        return;
                    }

                    continue;
                }

                // A full fence: the release must be visible before the emptiness check, or a concurrent Send can be stranded.
                Interlocked.Exchange(ref _sending, 0);
                if (_outbox.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Close(ex is OperationCanceledException ? null : ex);
        }
    }

    /// <summary>Closes the connection at once; frames still queued are dropped. Idempotent.</summary>
    public void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (reason is not null)
        {
            LogClosed(_logger, Remote, reason.Message);
        }

        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Close();
        while (_outbox.TryDequeue(out var item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }

        _handler?.OnClosed(this, reason);
    }

    public override string ToString() => RemoteSilo is not null ? $"connection to silo {RemoteSilo}" : RemoteClientId is not null ? $"connection to client {RemoteClientId}" : $"connection to {Remote}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection to {Remote} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string remote, string reason);
}
