using System.Text.Json;
using Granary.Redis;
using Granary.Runtime.Activations;
using Granary.Streams;

namespace Granary.Runtime.Redis.Streams;

/// <summary>One Redis stream: publishing is XADD of the item as JSON (field <c>data</c>); subscriptions are consumer groups.</summary>
internal sealed class RedisStream<T>(RedisStreamProvider provider, StreamId id) : IDurableAsyncStream<T>
{
    private readonly string _key = provider.StreamKey(id);

    public StreamId Id { get; } = id;

    public async Task OnNextAsync(T item, CancellationToken cancellationToken = default)
    {
        var db = await provider.Connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await db.StreamAddAsync(_key, [new("data", JsonSerializer.SerializeToUtf8Bytes(item))], maxLength: provider.Options.MaxStreamLength, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public Task<StreamSubscriptionHandle> SubscribeAsync(Func<T, StreamSequenceToken?, Task> onNext, CancellationToken cancellationToken = default) =>
        SubscribeCoreAsync("anonymous-" + Guid.NewGuid().ToString("N"), durable: false, onNext, from: null, cancellationToken);

    public Task<StreamSubscriptionHandle> SubscribeAsync(string subscriptionName, Func<T, StreamSequenceToken?, Task> onNext, StreamSequenceToken? from = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionName);
        return SubscribeCoreAsync(subscriptionName, durable: true, onNext, from, cancellationToken);
    }

    public async Task DeleteSubscriptionAsync(string subscriptionName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionName);
        var db = await provider.Connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        if (await db.KeyExistsAsync(_key, cancellationToken).ConfigureAwait(false))
        {
            await db.ExecuteAsync("XGROUP", ["DESTROY", _key, subscriptionName], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<StreamSubscriptionHandle> SubscribeCoreAsync(string group, bool durable, Func<T, StreamSequenceToken?, Task> onNext, StreamSequenceToken? from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onNext);
        var startId = from is null ? "$" : RedisStreamPositions.StartIdFor(from);
        var db = await provider.Connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var created = await db.StreamCreateGroupAsync(_key, group, startId, createStream: true, cancellationToken).ConfigureAwait(false);
        if (!created && from is not null)
        {
            await db.ExecuteAsync("XGROUP", ["SETID", _key, group, startId], cancellationToken).ConfigureAwait(false);
        }

        var owner = RuntimeContext.Current?.Activation;
        if (owner is not null && owner.SiloName != provider.Silo.Address.Name)
        {
            owner = null;
        }

        var subscriptionId = Guid.NewGuid();
        var consumer = $"{provider.Silo.Address.Name}#{provider.Silo.Address.Generation}/{subscriptionId:N}";
        Func<bool>? isWanted = owner is null ? null : () => owner.State is not ActivationState.Invalid;
        var agent = provider.CreateAgent(subscriptionId, _key, group, consumer, (data, token) => DeliverAsync(owner, onNext, data, token), isWanted);
        var handle = new RedisStreamSubscriptionHandle(provider, Id, subscriptionId, agent, _key, group, durable);

        // A subscription that ends with its grain is cleaned up as if unsubscribed.
        agent.Start(() => handle.UnsubscribeAsync());
        return handle;
    }

    private static Task DeliverAsync(ActivationData? owner, Func<T, StreamSequenceToken?, Task> onNext, RedisValue data, StreamSequenceToken token)
    {
        var item = JsonSerializer.Deserialize<T>(data.ToByteArray()!)!;
        if (owner is null)
        {
            return onNext(item, token);
        }

        if (owner.State is ActivationState.Invalid)
        {
            throw new SubscriptionEndedException($"{owner} was deactivated.");
        }

        var turn = new RedisDeliveryTurn(() => onNext(item, token));
        owner.Enqueue(turn);
        return turn.Completion;
    }
}
