using System.Collections.Concurrent;
using Granary.Runtime.Activations;
using Granary.Streams;

namespace Granary.Runtime.Streams;

/// <summary>
/// The stream subscriptions made on this silo. A subscription made from grain code runs its handler as a turn of
/// that grain (carrying the publisher's call chain, so a grain may publish to a stream it subscribes to); one made
/// elsewhere runs on the thread pool, one item at a time.
/// </summary>
internal sealed class LocalStreamSubscriptions
{
    private readonly ConcurrentDictionary<Guid, Subscription> _subscriptions = new();

    public void Add(Guid id, Func<object?, StreamSequenceToken?, Task> handler, ActivationData? owner) =>
        _subscriptions[id] = new Subscription(handler, owner);

    public void Remove(Guid id) => _subscriptions.TryRemove(id, out _);

    public async Task DeliverAsync(Guid[] ids, object? item, StreamSequenceToken token)
    {
        var chain = RuntimeContext.Current?.OutgoingChain();
        var tasks = new List<Task>(ids.Length);
        foreach (var id in ids)
        {
            if (!_subscriptions.TryGetValue(id, out var subscription))
            {
                continue;
            }

            if (subscription.Owner is { } owner)
            {
                if (owner.State is ActivationState.Invalid)
                {
                    _subscriptions.TryRemove(id, out _);
                    continue;
                }

                var turn = new DeliveryTurn(subscription.Handler, item, token) { CallChain = chain };
                owner.Enqueue(turn);
                tasks.Add(turn.Completion);
            }
            else
            {
                tasks.Add(subscription.RunSerializedAsync(item, token));
            }
        }

        await Task.WhenAll(tasks);
    }

    private sealed class Subscription(Func<object?, StreamSequenceToken?, Task> handler, ActivationData? owner)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public Func<object?, StreamSequenceToken?, Task> Handler { get; } = handler;

        public ActivationData? Owner { get; } = owner;

        public async Task RunSerializedAsync(object? item, StreamSequenceToken token)
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await Task.Run(() => Handler(item, token)).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private sealed class DeliveryTurn(Func<object?, StreamSequenceToken?, Task> handler, object? item, StreamSequenceToken token) : IncomingRequest
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Completion => _completion.Task;

        public override Invocation.Invokable? Invokable => null;

        public override async ValueTask<object?> RunAsync(object grain)
        {
            await handler(item, token);
            return null;
        }

        public override void Complete(object? result) => _completion.TrySetResult();

        public override void Fail(Exception exception) => _completion.TrySetException(exception);

        public override void Reroute(string reason) => _completion.TrySetResult();

        public override string ToString() => "stream delivery";
    }
}
