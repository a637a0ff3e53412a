using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Granary.Redis.Internal;

/// <summary>
/// The engine under one logical connection: a backlog of commands not yet written, a FIFO of commands written and
/// awaiting replies, a single writer loop that drains the backlog into the socket's pipe and flushes once per
/// batch, a reader loop that parses replies from the pipe and completes the FIFO head, a timer that fails commands
/// past their deadline, and a lifecycle loop that reconnects with exponential backoff.
/// </summary>
/// <remarks>
/// Failure rules: when a connection breaks, every command already written (in the FIFO) fails with a
/// <see cref="RedisConnectionException"/> because the server may or may not have run it; commands still in the
/// backlog were never written, so they stay queued and are sent after the reconnect, or time out.
/// </remarks>
internal sealed class ConnectionCore : IAsyncDisposable
{
    private const int MaxBatch = 4096;

    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly string _role;
    private readonly string _endPoint;
    private readonly bool _subscriberMode;
    private readonly Action<RedisReply>? _onPush;
    private readonly Func<IReadOnlyList<PendingOperation>>? _onReconnect;
    private readonly long _commandTimeoutTicks;

    private readonly object _backlogLock = new();
    private readonly Queue<PendingOperation> _backlog = new();
    private readonly object _inFlightLock = new();
    private readonly Queue<PendingOperation> _inFlight = new();
    private readonly WriterSignal _writerSignal = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Transport? _transport;
    private Task? _lifecycle;
    private int _generation;
    private int _failedAttempts;
    private Exception? _lastError;
    private long _lastReadTimestamp;
    private bool _everConnected;
    private int _disposed;

    public ConnectionCore(
        RedisOptions options,
        ILogger logger,
        string role,
        bool subscriberMode = false,
        Action<RedisReply>? onPush = null,
        Func<IReadOnlyList<PendingOperation>>? onReconnect = null)
    {
        _options = options;
        _logger = logger;
        _role = role;
        _endPoint = string.Create(CultureInfo.InvariantCulture, $"{options.Host}:{options.Port}");
        _subscriberMode = subscriberMode;
        _onPush = onPush;
        _onReconnect = onReconnect;
        _commandTimeoutTicks = ToTicks(options.CommandTimeout);
        TimeoutScheduler.Register(this);
    }

    public RedisOptions Options => _options;

    public bool IsConnected => Volatile.Read(ref _transport) is { IsClosed: false };

    /// <summary>How many commands are written and awaiting replies.</summary>
    public int InFlightCount
    {
        get
        {
            lock (_inFlightLock)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>How many commands are waiting to be written.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_backlogLock)
            {
                return _backlog.Count;
            }
        }
    }

    /// <summary>Generation of the current connection, 0 while disconnected.</summary>
    public int CurrentGeneration => Volatile.Read(ref _transport) is { IsClosed: false } t ? t.Generation : 0;

    public bool RunContinuationsAsynchronously => _options.RunContinuationsAsynchronously;

    /// <summary>Starts the lifecycle loop and waits until the first connection and handshake succeed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _lifecycle = Task.Run(RunAsync, CancellationToken.None);
        try
        {
            await _firstConnect.Task.WaitAsync(_options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var last = Volatile.Read(ref _lastError);
            await DisposeAsync().ConfigureAwait(false);
            throw new RedisConnectionException(
                $"Could not connect to Redis at {_endPoint} within {_options.ConnectTimeout.TotalMilliseconds:0} ms"
                + (last is null ? "." : $": {last.Message}"), last);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Queues a command whose reply is mapped by <paramref name="map"/>.</summary>
    public ValueTask<T> ExecuteAsync<T>(string command, RedisValue[] args, Func<RedisReply, T> map, CancellationToken cancellationToken, int expectedReplies = 1)
    {
        var op = new RedisOperation<T>(command, args, map, _options.RunContinuationsAsynchronously, expectedReplies);
        Enqueue(op, cancellationToken);
        return op.AsValueTask();
    }

    /// <summary>Queues <paramref name="operation"/> behind every command queued before it.</summary>
    public void Enqueue(PendingOperation operation, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        operation.IssuedAt = now;
        operation.Deadline = now + _commandTimeoutTicks;
        if (cancellationToken.CanBeCanceled)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                operation.TryFail(new OperationCanceledException(cancellationToken));
                return;
            }

            operation.RegisterCancellation(cancellationToken);
        }

        lock (_backlogLock)
        {
            if (_disposed != 0)
            {
                operation.TryFail(new ObjectDisposedException("RedisConnection", "The Redis connection has been disposed."));
                return;
            }

            _backlog.Enqueue(operation);
        }

        _writerSignal.Set();
    }

    public async ValueTask DisposeAsync()
    {
        lock (_backlogLock)
        {
            if (_disposed != 0)
            {
                return;
            }

            _disposed = 1;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        Volatile.Read(ref _transport)?.Abort(new ObjectDisposedException("RedisConnection"));
        _writerSignal.Set();
        if (_lifecycle is not null)
        {
            await _lifecycle.ConfigureAwait(false);
        }

        TimeoutScheduler.Unregister(this);
        FailBacklog(new ObjectDisposedException("RedisConnection", "The Redis connection was disposed before the command was sent."));
        _firstConnect.TrySetException(new ObjectDisposedException("RedisConnection"));
        _shutdown.Dispose();
    }

    private async Task RunAsync()
    {
        var cancellationToken = _shutdown.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            Transport transport;
            try
            {
                transport = await OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref _lastError, ex);
                if (!_everConnected && ex is RedisConnectionException { InnerException: RedisServerException })
                {
                    // Wrong password, unknown user, bad database: retrying the first connect cannot help.
                    _firstConnect.TrySetException(ex);
                    return;
                }

                var attempt = ++_failedAttempts;
                var delay = BackoffDelay(attempt);
                RedisLog.ConnectFailed(_logger, ex, _role, attempt, _endPoint, (long)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }
            catch (Exception)
            {
                break;
            }

            _failedAttempts = 0;
            _everConnected = true;
            Volatile.Write(ref _lastError, null);
            RedisLog.Connected(_logger, _role, _endPoint, transport.Generation, (int)_options.Protocol);
            _firstConnect.TrySetResult();

            var failure = await RunTransportAsync(transport).ConfigureAwait(false);
            Volatile.Write(ref _lastError, failure);
        }
    }

    private async Task<Transport> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Transport? transport = null;
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(_options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(_options.Host, _options.Port, connectTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new RedisConnectionException(
                        $"Connecting to {_endPoint} timed out after {_options.ConnectTimeout.TotalMilliseconds:0} ms.");
                }
                catch (SocketException ex)
                {
                    throw new RedisConnectionException($"Could not connect to {_endPoint}: {ex.Message}", ex);
                }
            }

            transport = new Transport(socket, Interlocked.Increment(ref _generation), _endPoint);
            Volatile.Write(ref _lastReadTimestamp, Stopwatch.GetTimestamp());
            var readLoop = ReadLoopAsync(transport);
            transport.ReadLoop = readLoop;
            var handshake = HandshakeAsync(transport);
            if (await Task.WhenAny(handshake, readLoop).ConfigureAwait(false) != handshake)
            {
                // The socket died during the handshake (for example a server shutting down accepted it): fail
                // now rather than wait for the handshake's own timeout.
                _ = handshake.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw new RedisConnectionException(
                    $"The connection to {_endPoint} closed during the handshake: {transport.Failure?.Message}", transport.Failure);
            }

            await handshake.ConfigureAwait(false);
            return transport;
        }
        catch (Exception ex)
        {
            if (transport is null)
            {
                socket.Dispose();
            }
            else
            {
                transport.Abort(ex);
                await transport.ReadLoop!.ConfigureAwait(false);
                FailInFlight(ex);
            }

            throw;
        }
    }

    private async Task HandshakeAsync(Transport transport)
    {
        var handshake = new List<(RedisOperation<RedisReply> Op, ValueTask<RedisReply> Task)>();
        void Add(string command, params RedisValue[] args)
        {
            var op = new RedisOperation<RedisReply>(command, args, static r => r, runContinuationsAsynchronously: true);
            handshake.Add((op, op.AsValueTask()));
        }

        var user = _options.User ?? "default";
        if (_options.Protocol == RedisProtocol.Resp3)
        {
            var hello = new List<RedisValue> { 3 };
            if (_options.Password is not null)
            {
                hello.AddRange(["AUTH", user, _options.Password]);
            }

            if (_options.ClientName is not null)
            {
                hello.AddRange(["SETNAME", _options.ClientName]);
            }

            Add("HELLO", [.. hello]);
        }
        else
        {
            if (_options.Password is not null)
            {
                Add("AUTH", _options.User is null ? [_options.Password] : [_options.User, _options.Password]);
            }

            if (_options.ClientName is not null)
            {
                Add("CLIENT", "SETNAME", _options.ClientName);
            }
        }

        if (_options.Database != 0)
        {
            Add("SELECT", _options.Database);
        }

        var extra = _onReconnect?.Invoke() ?? [];
        if (handshake.Count == 0 && extra.Count == 0)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var deadline = now + ToTicks(_options.ConnectTimeout);
        lock (_inFlightLock)
        {
            foreach (var (op, _) in handshake)
            {
                Stamp(op);
                op.Write(transport.Writer);
                _inFlight.Enqueue(op);
            }

            foreach (var op in extra)
            {
                Stamp(op);
                op.Write(transport.Writer);
                _inFlight.Enqueue(op);
            }
        }

        await transport.Writer.FlushAsync().ConfigureAwait(false);
        foreach (var (op, task) in handshake)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (RedisServerException ex)
            {
                throw new RedisConnectionException($"Redis handshake with {_endPoint} failed: {op.Command} was rejected: {ex.ServerMessage}", ex);
            }
            catch (RedisTimeoutException ex)
            {
                throw new RedisConnectionException($"Redis handshake with {_endPoint} timed out waiting for {op.Command}.", ex);
            }
        }

        void Stamp(PendingOperation op)
        {
            op.IssuedAt = now;
            op.Deadline = deadline;
            op.WrittenAt = now;
        }
    }

    private async Task<Exception> RunTransportAsync(Transport transport)
    {
        Volatile.Write(ref _transport, transport);
        var writeLoop = WriteLoopAsync(transport);
        _writerSignal.Set();

        // DisposeAsync may have run while this transport was still in its handshake, before it was published.
        await using (_shutdown.Token.UnsafeRegister(
            static state => ((Transport)state!).Abort(new ObjectDisposedException("RedisConnection")), transport).ConfigureAwait(false))
        {
            await transport.ReadLoop!.ConfigureAwait(false);
        }

        transport.Abort(null);
        _writerSignal.Set();
        await writeLoop.ConfigureAwait(false);
        Interlocked.CompareExchange(ref _transport, null, transport);

        var reason = transport.Failure ?? new RedisConnectionException($"The connection to {_endPoint} closed.");
        var failed = FailInFlight(reason);
        if (_shutdown.IsCancellationRequested)
        {
            return reason;
        }

        RedisLog.ConnectionLost(_logger, reason, _role, _endPoint, failed, QueuedCount);
        return reason;
    }

    private async Task ReadLoopAsync(Transport transport)
    {
        // Yield so the handshake starts writing while this loop waits for bytes.
        await Task.Yield();
        var reader = transport.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                Volatile.Write(ref _lastReadTimestamp, Stopwatch.GetTimestamp());
                var consumed = ProcessReplies(buffer, out var remaining);
                if (result.IsCompleted || result.IsCanceled)
                {
                    var leftover = remaining.IsEmpty ? null : remaining.ToArray();
                    reader.AdvanceTo(consumed, buffer.End);
                    if (leftover is not null)
                    {
                        var ex = new RedisProtocolException(
                            $"The server at {_endPoint} closed the connection in the middle of a reply: received {leftover.Length} byte(s) of an incomplete {DescribeType(leftover[0])} (\"{RespParser.Preview(leftover)}\").");
                        FailHead(ex);
                        transport.Abort(ex);
                    }
                    else
                    {
                        transport.Abort(new RedisConnectionException($"The server at {_endPoint} closed the connection."));
                    }

                    return;
                }

                reader.AdvanceTo(consumed, buffer.End);
            }
        }
        catch (RedisProtocolException ex)
        {
            RedisLog.ProtocolError(_logger, ex, _role, _endPoint);
            FailHead(ex);
            transport.Abort(ex);
        }
        catch (Exception ex)
        {
            transport.Abort(transport.IsClosed
                ? ex
                : new RedisConnectionException($"Reading from {_endPoint} failed: {ex.Message}", ex));
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private SequencePosition ProcessReplies(in ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> remaining)
    {
        var reader = new SequenceReader<byte>(buffer);
        var consumed = reader.Position;
        while (!reader.End)
        {
            if (!RespParser.TryParse(ref reader, out var reply))
            {
                break;
            }

            consumed = reader.Position;
            Dispatch(reply);
        }

        remaining = buffer.Slice(consumed);
        return consumed;
    }

    private void Dispatch(RedisReply reply)
    {
        if (IsOutOfBand(reply))
        {
            try
            {
                _onPush?.Invoke(reply);
            }
            catch (Exception ex)
            {
                RedisLog.PushHandlerFailed(_logger, ex);
            }

            return;
        }

        PendingOperation? op;
        bool done;
        lock (_inFlightLock)
        {
            if (!_inFlight.TryPeek(out op))
            {
                throw new RedisProtocolException($"Received a reply that no command was waiting for: {reply}");
            }

            done = op.Accept(reply);
            if (done)
            {
                _inFlight.Dequeue();
            }
        }

        if (done)
        {
            op.Complete();
        }
    }

    private bool IsOutOfBand(RedisReply reply)
    {
        if (reply.Kind == RedisReplyKind.Push)
        {
            // RESP3 sends subscription confirmations as pushes too; they answer SUBSCRIBE and friends.
            return !(_subscriberMode && IsSubscriptionConfirmation(reply));
        }

        if (!_subscriberMode || reply.Kind != RedisReplyKind.Array || reply.Count < 3)
        {
            return false;
        }

        var kind = reply[0];
        return kind.Kind == RedisReplyKind.BulkString && kind.AsString() is "message" or "pmessage" or "smessage";
    }

    private static bool IsSubscriptionConfirmation(RedisReply reply) =>
        reply.Count > 0 && reply[0].Kind is RedisReplyKind.BulkString or RedisReplyKind.SimpleString
        && reply[0].AsString() is "subscribe" or "psubscribe" or "unsubscribe" or "punsubscribe" or "ssubscribe" or "sunsubscribe";

    private async Task WriteLoopAsync(Transport transport)
    {
        await Task.Yield();
        var writer = transport.Writer;
        var batch = new PendingOperation[MaxBatch];
        try
        {
            while (!transport.IsClosed)
            {
                await _writerSignal.WaitAsync().ConfigureAwait(false);
                while (!transport.IsClosed)
                {
                    var count = 0;
                    lock (_backlogLock)
                    {
                        while (count < MaxBatch && _backlog.TryDequeue(out var op))
                        {
                            batch[count++] = op;
                        }
                    }

                    if (count == 0)
                    {
                        break;
                    }

                    var now = Stopwatch.GetTimestamp();
                    var written = 0;
                    for (var i = 0; i < count; i++)
                    {
                        var op = batch[i];
                        batch[i] = null!;
                        if (op.IsCompleted)
                        {
                            continue;
                        }

                        if (op.RequiredGeneration != 0 && op.RequiredGeneration != transport.Generation)
                        {
                            op.TryFail(new RedisConnectionException(
                                $"{op.Command} was not sent: the connection to {_endPoint} was re-established after WATCH, so the server no longer watches the keys."));
                            continue;
                        }

                        try
                        {
                            op.Write(writer);
                        }
                        catch (Exception ex)
                        {
                            // Never lose a command: fail this one and every one taken from the backlog with it.
                            var failure = new RedisConnectionException($"Writing {op.Command} to {_endPoint} failed: {ex.Message}", ex);
                            op.TryFail(failure);
                            for (var j = i + 1; j < count; j++)
                            {
                                batch[j].TryFail(failure);
                                batch[j] = null!;
                            }

                            for (var j = 0; j < written; j++)
                            {
                                batch[j].TryFail(failure);
                                batch[j] = null!;
                            }

                            throw;
                        }

                        op.WrittenAt = now;
                        op.WrittenGeneration = transport.Generation;
                        batch[written++] = op;
                    }

                    lock (_inFlightLock)
                    {
                        for (var i = 0; i < written; i++)
                        {
                            _inFlight.Enqueue(batch[i]);
                            batch[i] = null!;
                        }
                    }

                    var flush = await writer.FlushAsync().ConfigureAwait(false);
                    if (flush.IsCompleted)
                    {
                        transport.Abort(new RedisConnectionException($"The connection to {_endPoint} closed while writing."));
                        return;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            transport.Abort(transport.IsClosed
                ? ex
                : new RedisConnectionException($"Writing to {_endPoint} failed: {ex.Message}", ex));
        }
    }

    private void FailHead(Exception exception)
    {
        PendingOperation? head;
        lock (_inFlightLock)
        {
            if (!_inFlight.TryDequeue(out head))
            {
                return;
            }
        }

        head.TryFail(exception);
    }

    private int FailInFlight(Exception reason)
    {
        PendingOperation[] failed;
        lock (_inFlightLock)
        {
            failed = [.. _inFlight];
            _inFlight.Clear();
        }

        var count = 0;
        foreach (var op in failed)
        {
            if (op.TryFail(new RedisConnectionException(
                    $"The connection to {_endPoint} was lost while {op.Command} was awaiting its reply (it had been sent, so the server may have executed it): {reason.Message}",
                    reason)))
            {
                count++;
            }
        }

        return count;
    }

    private void FailBacklog(Exception reason)
    {
        PendingOperation[] failed;
        lock (_backlogLock)
        {
            failed = [.. _backlog];
            _backlog.Clear();
        }

        foreach (var op in failed)
        {
            op.TryFail(reason);
        }

        FailInFlight(reason);
    }

    /// <summary>Fails every command past its deadline; called by the <see cref="TimeoutScheduler"/> thread.</summary>
    public void CheckTimeouts()
    {
        var now = Stopwatch.GetTimestamp();
        List<(PendingOperation Op, bool Sent)>? expired = null;
        int queued;
        int inFlight;
        lock (_backlogLock)
        {
            while (_backlog.TryPeek(out var op) && (op.IsCompleted || op.Deadline <= now))
            {
                _backlog.Dequeue();
                if (!op.IsCompleted)
                {
                    (expired ??= []).Add((op, false));
                }
            }

            queued = _backlog.Count;
        }

        lock (_inFlightLock)
        {
            foreach (var op in _inFlight)
            {
                if (op.IsCompleted)
                {
                    continue;
                }

                if (op.Deadline > now)
                {
                    break;
                }

                (expired ??= []).Add((op, true));
            }

            inFlight = _inFlight.Count;
        }

        if (expired is null)
        {
            return;
        }

        foreach (var (op, sent) in expired)
        {
            op.TryFail(CreateTimeout(op, sent, now, inFlight, queued));
        }
    }

    private RedisTimeoutException CreateTimeout(PendingOperation op, bool sent, long now, int inFlight, int queued)
    {
        var elapsed = op.Elapsed(now);
        var timeout = _options.CommandTimeout.TotalMilliseconds;
        string message;
        if (sent)
        {
            var others = Math.Max(0, inFlight - 1);
            var sinceRead = Stopwatch.GetElapsedTime(Volatile.Read(ref _lastReadTimestamp), now).TotalMilliseconds;
            message =
                FormattableString.Invariant($"Timeout awaiting the reply to {op.Command} after {elapsed.TotalMilliseconds:0} ms (command timeout {timeout:0} ms). ") +
                FormattableString.Invariant($"It was sent {Stopwatch.GetElapsedTime(op.WrittenAt, now).TotalMilliseconds:0} ms ago; {others} other command(s) were in flight and {queued} waiting to be sent ") +
                FormattableString.Invariant($"on the {_role} connection to {_endPoint} (generation {CurrentGeneration}); the last bytes arrived {sinceRead:0} ms ago. ") +
                "The server may be busy (a slow command, CLIENT PAUSE, a large reply) or the network stalled; the command may still execute.";
        }
        else
        {
            var state = IsConnected
                ? "the connection is up but the writer is behind"
                : $"the connection to {_endPoint} is down (reconnect attempt {_failedAttempts}" +
                  (Volatile.Read(ref _lastError) is { } last ? $", last error: {last.Message})" : ")");
            message =
                FormattableString.Invariant($"Timeout after {elapsed.TotalMilliseconds:0} ms (command timeout {timeout:0} ms): {op.Command} was never sent because {state}; ") +
                FormattableString.Invariant($"{inFlight} command(s) were in flight and {queued} other(s) waiting to be sent on the {_role} connection. It was not executed.");
        }

        return new RedisTimeoutException(message, op.Command, elapsed, sent, sent ? Math.Max(0, inFlight - 1) : inFlight, queued);
    }

    private TimeSpan BackoffDelay(int attempt)
    {
        var min = _options.ReconnectMinDelay.TotalMilliseconds;
        var max = _options.ReconnectMaxDelay.TotalMilliseconds;
        var delay = Math.Min(max, min * Math.Pow(2, Math.Min(attempt - 1, 30)));
        delay *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Max(1, delay));
    }

    private static string DescribeType(byte type) => type switch
    {
        (byte)'+' => "simple string",
        (byte)'-' => "error",
        (byte)':' => "integer",
        (byte)'$' => "bulk string",
        (byte)'*' => "array",
        (byte)'%' => "map",
        (byte)'~' => "set",
        (byte)'>' => "push message",
        (byte)'|' => "attribute",
        (byte)',' => "double",
        (byte)'#' => "boolean",
        (byte)'(' => "big number",
        (byte)'=' => "verbatim string",
        (byte)'!' => "blob error",
        (byte)'_' => "null",
        _ => "reply",
    };

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
