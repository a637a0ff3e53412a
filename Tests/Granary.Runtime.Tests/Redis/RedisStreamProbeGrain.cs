using Granary.Streams;

namespace Granary.Runtime.Tests.Redis;

public sealed class RedisStreamProbeGrain : Grain, IRedisStreamProbeGrain
{
    private readonly List<string> _received = [];
    private bool _holding;
    private bool _overlap;

    public async Task Subscribe(string provider, string streamKey, string subscriptionName)
    {
        var stream = GetStreamProvider(provider).GetStream<string>(new StreamId("test", streamKey));
        await stream.SubscribeAsync(subscriptionName, (item, _) =>
        {
            // A delivery that is a turn of this grain can never see another turn in the middle of its work.
            _overlap |= _holding;
            _received.Add(item);
            return Task.CompletedTask;
        });
    }

    public async Task SubscribeUnnamed(string provider, string streamKey)
    {
        var stream = GetStreamProvider(provider).GetStream<string>(new StreamId("test", streamKey));
        await stream.SubscribeAsync((item, _) =>
        {
            _received.Add(item);
            return Task.CompletedTask;
        });
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task Hold(int milliseconds)
    {
        _holding = true;
        await Task.Delay(milliseconds);
        _holding = false;
    }

    public Task<List<string>> Received() => Task.FromResult(_received);

    public Task<bool> SawOverlap() => Task.FromResult(_overlap);
}
