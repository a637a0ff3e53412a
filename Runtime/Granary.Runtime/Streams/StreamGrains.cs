using Granary.Placement;
using Granary.Streams;

namespace Granary.Runtime.Streams;

/// <summary>The rendezvous of one in-memory stream: knows its subscriptions and fans items out to their silos.</summary>
public interface IStreamPubSubGrain : IGrainWithStringKey
{
    Task Subscribe(string siloName, Guid subscriptionId);

    Task Unsubscribe(Guid subscriptionId);

    Task Publish(StreamId streamId, object? item);
}

/// <summary>One per silo (keyed by silo name): hands stream items to the subscriptions living on that silo.</summary>
public interface IStreamDeliveryGrain : IGrainWithStringKey
{
    Task Deliver(StreamId streamId, Guid[] subscriptionIds, object? item, long sequence);
}

/// <summary>Keeps the subscriptions of one stream in memory; delivers to each silo in parallel, in publication order.</summary>
[GrainType("granary.stream-pubsub")]
[HashBasedPlacement]
internal sealed class StreamPubSubGrain : Grain, IStreamPubSubGrain
{
    private readonly Dictionary<Guid, string> _subscriptions = [];
    private long _sequence;

    public Task Subscribe(string siloName, Guid subscriptionId)
    {
        _subscriptions[subscriptionId] = siloName;
        return Task.CompletedTask;
    }

    public Task Unsubscribe(Guid subscriptionId)
    {
        _subscriptions.Remove(subscriptionId);
        return Task.CompletedTask;
    }

    public async Task Publish(StreamId streamId, object? item)
    {
        var sequence = ++_sequence;
        var bySilo = _subscriptions.GroupBy(s => s.Value).ToList();
        var deliveries = bySilo.Select(async group =>
        {
            try
            {
                await GrainFactory.GetGrain<IStreamDeliveryGrain>(group.Key).Deliver(streamId, group.Select(g => g.Key).ToArray(), item, sequence);
                return (group.Key, Lost: false);
            }
            catch (SiloUnavailableException)
            {
                return (group.Key, Lost: true);
            }
        }).ToList();
        foreach (var (silo, lost) in await Task.WhenAll(deliveries))
        {
            if (lost)
            {
                // The subscribers' silo is gone, and its subscriptions with it.
                foreach (var id in _subscriptions.Where(s => s.Value == silo).Select(s => s.Key).ToList())
                {
                    _subscriptions.Remove(id);
                }
            }
        }
    }
}

/// <summary>Runs the handlers of the local subscriptions of a stream item.</summary>
[GrainType("granary.stream-delivery")]
[KeyedSiloPlacement]
[Reentrant]
internal sealed class StreamDeliveryGrain(LocalStreamSubscriptions subscriptions) : Grain, IStreamDeliveryGrain
{
    public Task Deliver(StreamId streamId, Guid[] subscriptionIds, object? item, long sequence) =>
        subscriptions.DeliverAsync(subscriptionIds, item, new StreamSequenceToken(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
