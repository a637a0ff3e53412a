namespace Granary.Runtime.Messaging;

/// <summary>Where the outcome of a call goes: a caller's task, or a client connection the call is relayed for.</summary>
internal abstract class ResponseSink
{
    public abstract void SetResult(object? result);

    public abstract void SetException(Exception exception);
}

/// <summary>Completes the task a caller awaits.</summary>
internal sealed class PendingCall<T> : ResponseSink
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override void SetResult(object? result) => _completion.TrySetResult((T)result!);

    public override void SetException(Exception exception) => _completion.TrySetException(exception);
}
