using System.Buffers;
using System.Diagnostics;

namespace Granary.Redis.Internal;

/// <summary>
/// A command on its way through the connection: queued in the backlog, then written and waiting (FIFO) for its
/// reply or replies. Exactly one of reply, failure, timeout or cancellation completes it; later ones are ignored,
/// which is how a late reply to a timed-out command is discarded without disturbing the reply order.
/// </summary>
internal abstract class PendingOperation
{
    private int _completed;
    private CancellationTokenRegistration _cancellation;

    protected PendingOperation(string command, RedisValue[] args)
    {
        Command = command;
        Args = args;
    }

    /// <summary>The command name, used in timeout and error messages.</summary>
    public string Command { get; }

    public RedisValue[] Args { get; }

    /// <summary>Stopwatch timestamp when the caller issued the command.</summary>
    public long IssuedAt { get; set; }

    /// <summary>Stopwatch timestamp after which the command fails with a timeout.</summary>
    public long Deadline { get; set; }

    /// <summary>Stopwatch timestamp when the command was written to the socket's buffer, 0 while queued.</summary>
    public long WrittenAt { get; set; }

    /// <summary>
    /// When non-zero, the command may only be written on this connection generation (a transaction whose WATCH
    /// was sent on it); on any other it fails instead, because the server forgot the WATCH when the socket closed.
    /// </summary>
    public int RequiredGeneration { get; set; }

    /// <summary>The connection generation the command was written on, 0 while queued.</summary>
    public int WrittenGeneration { get; set; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Serialises the command (or commands) into the socket's buffer.</summary>
    public virtual void Write(IBufferWriter<byte> writer) => RespWriter.WriteCommand(writer, Command, Args);

    /// <summary>Takes one reply; returns true when the operation has received all the replies it expects.</summary>
    public abstract bool Accept(RedisReply reply);

    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken.UnsafeRegister(
            static (state, token) => ((PendingOperation)state!).TryFail(new OperationCanceledException(token)), this);
    }

    /// <summary>Completes the operation from the replies it accepted, unless it already completed.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _cancellation.Dispose();
            OnCompleted();
        }
    }

    /// <summary>Fails the operation with <paramref name="exception"/>, unless it already completed.</summary>
    public bool TryFail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _cancellation.Dispose();
        OnFailed(exception);
        return true;
    }

    public TimeSpan Elapsed(long now) => Stopwatch.GetElapsedTime(IssuedAt, now);

    protected abstract void OnCompleted();

    protected abstract void OnFailed(Exception exception);
}
