using Granary.Runtime.Activations;
using Granary.Streams;

namespace Granary.Runtime.Streams;

/// <summary>
/// Streams carried by the runtime's own messaging: a rendezvous grain per stream keeps the subscriptions and
/// forwards each item to the silos of its subscribers. Delivery is at most once and in order per publisher;
/// subscriptions live in memory and end with their silo.
/// </summary>
internal sealed class MemoryStreamProvider(string name, SiloRuntime silo, LocalStreamSubscriptions local) : IStreamProvider
{
    private readonly SiloRuntime _silo = silo;
    private readonly LocalStreamSubscriptions _local = local;

    public string Name { get; } = name;

    public IAsyncStream<T> GetStream<T>(StreamId id) => new MemoryStream<T>(this, id);

    private IStreamPubSubGrain PubSub(StreamId id) => _silo.GrainFactory.GetGrain<IStreamPubSubGrain>($"{Name}/{id.Namespace}/{id.Key}");

    private sealed class MemoryStream<T>(MemoryStreamProvider provider, StreamId id) : IAsyncStream<T>
    {
        public StreamId Id { get; } = id;

        public Task OnNextAsync(T item, CancellationToken cancellationToken = default) =>
            provider.PubSub(Id).Publish(Id, item);

        public async Task<StreamSubscriptionHandle> SubscribeAsync(Func<T, StreamSequenceToken?, Task> onNext, CancellationToken cancellationToken = default)
        {
            var subscriptionId = Guid.NewGuid();
            var owner = RuntimeContext.Current?.Activation;
            provider._local.Add(subscriptionId, (item, token) => onNext((T)item!, token), owner?.SiloName == provider._silo.Address.Name ? owner : null);
            try
            {
                await provider.PubSub(Id).Subscribe(provider._silo.Address.Name, subscriptionId);
            }
            catch
            {
                provider._local.Remove(subscriptionId);
                throw;
            }

            return new Handle(provider, Id, subscriptionId);
        }
    }

    private sealed class Handle(MemoryStreamProvider provider, StreamId streamId, Guid subscriptionId) : StreamSubscriptionHandle
    {
        public override Guid SubscriptionId { get; } = subscriptionId;

        public override StreamId StreamId { get; } = streamId;

        public override async Task UnsubscribeAsync(CancellationToken cancellationToken = default)
        {
            provider._local.Remove(SubscriptionId);
            await provider.PubSub(StreamId).Unsubscribe(SubscriptionId);
        }
    }
}

/// <summary>Registers an in-memory stream provider under a name.</summary>
internal sealed class MemoryStreamProviderFactory(string name) : IStreamProviderFactory
{
    public string Name { get; } = name;

    public IStreamProvider Create(SiloRuntime silo) => new MemoryStreamProvider(Name, silo, (LocalStreamSubscriptions)silo.Services.GetService(typeof(LocalStreamSubscriptions))!);
}
