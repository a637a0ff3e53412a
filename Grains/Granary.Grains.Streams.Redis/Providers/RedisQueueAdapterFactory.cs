using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using StackExchange.Redis;

namespace Granary.Streams.Redis;

/// <summary>Builds the Redis stream provider's parts: adapter, queue mapper (hash ring), cache (Orleans' simple cache).</summary>
public sealed class RedisQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly string _name;
    private readonly RedisStreamOptions _options;
    private readonly IServiceProvider _services;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private IConnectionMultiplexer? _redis;

    public RedisQueueAdapterFactory(string name, RedisStreamOptions options, SimpleQueueCacheOptions cache, IServiceProvider services)
    {
        _name = name;
        _options = options;
        _services = services;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.QueueCount }, name);
        _cache = new SimpleQueueAdapterCache(cache, name, services.GetRequiredService<ILoggerFactory>());
    }

    /// <summary>The factory of provider <paramref name="name"/>, with its named options; for <c>AddPersistentStreams</c>.</summary>
    public static RedisQueueAdapterFactory Create(IServiceProvider services, string name) =>
        new(name, services.GetRequiredService<IOptionsMonitor<RedisStreamOptions>>().Get(name), services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name), services);

    public async Task<IQueueAdapter> CreateAdapter()
    {
        _redis ??= await _options.CreateMultiplexer(_options).ConfigureAwait(false);
        return new RedisQueueAdapter(_name, _options, _redis, _services.GetRequiredService<Serializer>(), _mapper, _services.GetRequiredService<ILoggerFactory>());
    }

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}
