namespace Granary.Runtime.Tests.Redis;

/// <summary>Subscribes to a Redis stream from grain code and records whether deliveries ever overlapped a turn.</summary>
public interface IRedisStreamProbeGrain : IGrainWithStringKey
{
    Task Subscribe(string provider, string streamKey, string subscriptionName);

    Task SubscribeUnnamed(string provider, string streamKey);

    Task Deactivate();

    Task Hold(int milliseconds);

    Task<List<string>> Received();

    Task<bool> SawOverlap();
}
