using System.Threading.Tasks.Sources;

namespace Granary.Redis.Internal;

/// <summary>
/// One command whose reply is mapped to <typeparamref name="T"/>. It is its own <see cref="IValueTaskSource{T}"/>,
/// so a command costs one allocation besides its arguments. An error reply becomes a
/// <see cref="RedisServerException"/>; a reply of an unexpected shape becomes a <see cref="RedisException"/>.
/// </summary>
internal sealed class RedisOperation<T> : PendingOperation, IValueTaskSource<T>
{
    private readonly Func<RedisReply, T> _map;
    private readonly int _expectedReplies;
    private ManualResetValueTaskSourceCore<T> _core;
    private RedisReply? _reply;
    private RedisReply? _firstError;
    private int _received;

    public RedisOperation(string command, RedisValue[] args, Func<RedisReply, T> map, bool runContinuationsAsynchronously, int expectedReplies = 1)
        : base(command, args)
    {
        _map = map;
        _expectedReplies = expectedReplies;
        _core.RunContinuationsAsynchronously = runContinuationsAsynchronously;
    }

    public ValueTask<T> AsValueTask() => new(this, _core.Version);

    public override bool Accept(RedisReply reply)
    {
        if (reply.IsError)
        {
            _firstError ??= reply;
        }

        _reply = reply;
        return ++_received >= _expectedReplies;
    }

    protected override void OnCompleted()
    {
        var reply = _firstError ?? _reply!;
        if (reply.IsError)
        {
            _core.SetException(new RedisServerException(Command, reply.ErrorMessage!));
            return;
        }

        T value;
        try
        {
            value = _map(reply);
        }
        catch (Exception ex) when (ex is not RedisException)
        {
            _core.SetException(new RedisException($"Unexpected reply to {Command}: {Truncate(reply.ToString())}", ex));
            return;
        }

        _core.SetResult(value);
    }

    protected override void OnFailed(Exception exception) => _core.SetException(exception);

    public T GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
