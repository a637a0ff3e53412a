using Granary.Streams.Redis;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Orleans.Hosting;

/// <summary>Adds a persistent stream provider on Redis Streams to a silo or a client.</summary>
public static class RedisStreamsHostingExtensions
{
    /// <summary>
    /// Adds stream provider <paramref name="name"/> on Redis Streams (see <see cref="RedisStreamOptions"/>). Events
    /// written while a silo is killed reach subscribers after it: the queue's next owner claims what the dead silo
    /// pulled and had not delivered. Options that make no sense stop the silo at start, naming the option. Needs a
    /// "PubSubStore" grain storage, as every Orleans persistent stream provider does.
    /// </summary>
    public static ISiloBuilder AddRedisStreams(this ISiloBuilder builder, string name, Action<RedisStreamOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisStreamOptions>(name).Configure(configure);
        builder.Services.AddSingleton(sp => Validator(sp, name));
        return builder.AddPersistentStreams(name, RedisQueueAdapterFactory.Create, _ => { });
    }

    /// <summary>Adds stream provider <paramref name="name"/> on Redis Streams to a client (for producing and subscribing).</summary>
    public static IClientBuilder AddRedisStreams(this IClientBuilder builder, string name, Action<RedisStreamOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisStreamOptions>(name).Configure(configure);
        builder.Services.AddSingleton(sp => Validator(sp, name));
        return builder.AddPersistentStreams(name, RedisQueueAdapterFactory.Create, _ => { });
    }

    private static IConfigurationValidator Validator(IServiceProvider services, string name) =>
        new RedisStreamOptionsValidator(services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<RedisStreamOptions>>().Get(name), name);
}
