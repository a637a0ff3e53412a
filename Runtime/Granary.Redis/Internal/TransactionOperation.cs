using System.Buffers;
using System.Threading.Tasks.Sources;

namespace Granary.Redis.Internal;

/// <summary>
/// MULTI, the queued commands and EXEC written as one block, so no other caller's command lands inside the
/// transaction. It expects one reply per command written (OK, QUEUED..., the EXEC array) and hands each element
/// of the EXEC array to the command it belongs to.
/// </summary>
internal sealed class TransactionOperation : PendingOperation, IValueTaskSource<bool>
{
    private readonly PendingOperation[] _commands;
    private readonly RedisReply[] _replies;
    private ManualResetValueTaskSourceCore<bool> _core;
    private int _received;

    public TransactionOperation(PendingOperation[] commands, bool runContinuationsAsynchronously)
        : base("EXEC", [])
    {
        _commands = commands;
        _replies = new RedisReply[commands.Length + 2];
        _core.RunContinuationsAsynchronously = runContinuationsAsynchronously;
    }

    public ValueTask<bool> AsValueTask() => new(this, _core.Version);

    public override void Write(IBufferWriter<byte> writer)
    {
        RespWriter.WriteCommand(writer, "MULTI", []);
        foreach (var command in _commands)
        {
            command.Write(writer);
        }

        RespWriter.WriteCommand(writer, "EXEC", []);
    }

    public override bool Accept(RedisReply reply)
    {
        _replies[_received++] = reply;
        return _received == _replies.Length;
    }

    protected override void OnCompleted()
    {
        var multi = _replies[0];
        var exec = _replies[^1];
        if (multi.IsError)
        {
            Fail(new RedisServerException("MULTI", multi.ErrorMessage!));
            return;
        }

        if (exec.IsNull)
        {
            foreach (var command in _commands)
            {
                command.TryFail(new OperationCanceledException(
                    $"{command.Command} was not executed: the transaction aborted because a watched key changed (EXEC returned nil)."));
            }

            _core.SetResult(false);
            return;
        }

        if (exec.IsError)
        {
            string? firstQueueError = null;
            for (var i = 0; i < _commands.Length; i++)
            {
                var queued = _replies[i + 1];
                if (queued.IsError)
                {
                    firstQueueError ??= $"{_commands[i].Command}: {queued.ErrorMessage}";
                }

                _commands[i].TryFail(new RedisServerException(_commands[i].Command, (queued.IsError ? queued : exec).ErrorMessage!));
            }

            _core.SetException(new RedisServerException("EXEC", exec.ErrorMessage + (firstQueueError is null ? string.Empty : $" (first rejected command: {firstQueueError})")));
            return;
        }

        var results = exec.ElementArray;
        if (results.Length != _commands.Length)
        {
            Fail(new RedisProtocolException($"EXEC returned {results.Length} replies for {_commands.Length} queued commands."));
            return;
        }

        for (var i = 0; i < _commands.Length; i++)
        {
            _commands[i].Accept(results[i]);
            _commands[i].Complete();
        }

        _core.SetResult(true);
    }

    protected override void OnFailed(Exception exception) => Fail(exception);

    private void Fail(Exception exception)
    {
        foreach (var command in _commands)
        {
            command.TryFail(exception);
        }

        _core.SetException(exception);
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
