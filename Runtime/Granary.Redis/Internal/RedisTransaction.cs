namespace Granary.Redis.Internal;

/// <summary>
/// Buffers commands and sends them as one MULTI..EXEC block; with WATCH, holds the connection's transaction lock
/// from WATCH to EXEC so no other transaction's EXEC or UNWATCH clears this one's watch.
/// </summary>
internal sealed class RedisTransaction(ConnectionCore core, SemaphoreSlim gate) : IRedisTransaction
{
    private readonly List<PendingOperation> _commands = [];
    private bool _holdsGate;
    private bool _executed;
    private int _watchGeneration;

    public async ValueTask WatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_executed, this);
        if (keys.Count == 0)
        {
            throw new ArgumentException("WATCH needs at least one key.", nameof(keys));
        }

        await AcquireGateAsync(cancellationToken).ConfigureAwait(false);
        var watch = new RedisOperation<bool>("WATCH", [.. keys.Select(k => (RedisValue)k)], ReplyMaps.Ignore, core.RunContinuationsAsynchronously);
        core.Enqueue(watch, cancellationToken);
        await watch.AsValueTask().ConfigureAwait(false);
        var generation = watch.WrittenGeneration;
        if (_watchGeneration != 0 && _watchGeneration != generation)
        {
            throw new RedisConnectionException("The connection was re-established between two WATCH calls; the earlier keys are no longer watched.");
        }

        _watchGeneration = generation;
    }

    public Task<RedisReply> AddAsync(string command, IReadOnlyList<RedisValue> args) =>
        Add(command.ToUpperInvariant(), args as RedisValue[] ?? [.. args], ReplyMaps.Raw);

    public Task<bool> StringSetAsync(string key, RedisValue value) => Add("SET", [key, value], ReplyMaps.IsOk);

    public Task<RedisValue> StringGetAsync(string key) => Add("GET", [key], ReplyMaps.Value);

    public Task<long> StringIncrementAsync(string key, long by = 1) => Add("INCRBY", [key, by], ReplyMaps.Int64);

    public Task<bool> KeyDeleteAsync(string key) => Add("DEL", [key], ReplyMaps.Boolean);

    public async Task<bool> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_executed, this);
        _executed = true;
        var transaction = new TransactionOperation([.. _commands], core.RunContinuationsAsynchronously)
        {
            RequiredGeneration = _watchGeneration,
        };
        try
        {
            await AcquireGateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The queued commands' tasks must not be left pending forever.
            transaction.TryFail(ex);
            throw;
        }

        try
        {
            core.Enqueue(transaction, cancellationToken);
            return await transaction.AsValueTask().ConfigureAwait(false);
        }
        finally
        {
            ReleaseGate();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_executed)
        {
            _executed = true;
            foreach (var command in _commands)
            {
                command.TryFail(new OperationCanceledException($"{command.Command} was not executed: the transaction was disposed without ExecuteAsync."));
            }

            if (_holdsGate)
            {
                try
                {
                    await core.ExecuteAsync("UNWATCH", [], ReplyMaps.Ignore, CancellationToken.None).ConfigureAwait(false);
                }
                catch (RedisException)
                {
                    // A broken connection forgets the WATCH anyway.
                }
            }
        }

        ReleaseGate();
    }

    private Task<T> Add<T>(string command, RedisValue[] args, Func<RedisReply, T> map)
    {
        ObjectDisposedException.ThrowIf(_executed, this);
        var op = new RedisOperation<T>(command, args, map, core.RunContinuationsAsynchronously);
        _commands.Add(op);
        return op.AsValueTask().AsTask();
    }

    private async ValueTask AcquireGateAsync(CancellationToken cancellationToken)
    {
        if (_holdsGate)
        {
            return;
        }

        if (!await gate.WaitAsync(core.Options.CommandTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new RedisTimeoutException(
                $"Timeout after {core.Options.CommandTimeout.TotalMilliseconds:0} ms waiting for another transaction on this connection to finish (a transaction holds the lock from WATCH until it is executed or disposed).",
                "MULTI", core.Options.CommandTimeout, wasSent: false, core.InFlightCount, core.QueuedCount);
        }

        _holdsGate = true;
    }

    private void ReleaseGate()
    {
        if (_holdsGate)
        {
            _holdsGate = false;
            gate.Release();
        }
    }
}
