using Granary.Runtime.Activations;

namespace Granary.Runtime.Redis.Streams;

/// <summary>
/// A stream event handed to the subscribing grain as a turn. Unlike the in-memory provider's delivery, a reroute
/// (the grain was deactivated meanwhile) counts as not delivered, so the event is not acknowledged.
/// </summary>
internal sealed class RedisDeliveryTurn(Func<Task> handler) : IncomingRequest
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _completion.Task;

    public override Invocation.Invokable? Invokable => null;

    public override async ValueTask<object?> RunAsync(object grain)
    {
        await handler();
        return null;
    }

    public override void Complete(object? result) => _completion.TrySetResult();

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Reroute(string reason) => _completion.TrySetException(new SubscriptionEndedException(reason));

    public override string ToString() => "redis stream delivery";
}
