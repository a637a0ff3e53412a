using Granary.Persistence;
using Granary.Runtime.Configuration;
using Granary.Runtime.Directory;
using Granary.Runtime.Membership;
using Granary.Runtime.Redis;
using Granary.Runtime.Redis.Directory;
using Granary.Runtime.Redis.Membership;
using Granary.Runtime.Redis.Persistence;
using Granary.Runtime.Redis.Streams;
using Granary.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Hosting;

/// <summary>Redis providers for a silo: clustering (membership and grain directory), grain storage and streams.</summary>
public static class RedisSiloBuilderExtensions
{
    private const string ClusteringConnectionKey = "granary.redis.clustering";

    /// <summary>
    /// Keeps the membership table and the grain directory in Redis, replacing the in-memory ones, so that silos in
    /// different processes or machines form one cluster. Keys are scoped by <see cref="RedisClusteringOptions.KeyPrefix"/>
    /// and <see cref="SiloOptions.ClusterId"/>. Invalid options fail the silo's start with an
    /// <see cref="OptionsValidationException"/> naming the option; an unreachable server fails it with the connection error.
    /// </summary>
    public static SiloBuilder UseRedisClustering(this SiloBuilder builder, Action<RedisClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisClusteringOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisClusteringOptions>, RedisClusteringOptionsValidator>());
        services.TryAddKeyedSingleton(ClusteringConnectionKey, (sp, _) => new RedisConnectionSource(
            sp.GetRequiredService<IOptions<RedisClusteringOptions>>().Value.ConnectionString,
            sp.GetRequiredService<ILoggerFactory>()));
        services.Replace(ServiceDescriptor.Singleton<IMembershipTable>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisClusteringOptions>>().Value;
            return new RedisMembershipTable(sp.GetRequiredKeyedService<RedisConnectionSource>(ClusteringConnectionKey), options.KeyPrefix, sp.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId);
        }));
        services.Replace(ServiceDescriptor.Singleton<IGrainDirectory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisClusteringOptions>>().Value;
            return new RedisGrainDirectory(sp.GetRequiredKeyedService<RedisConnectionSource>(ClusteringConnectionKey), options.KeyPrefix, sp.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId);
        }));
        return builder;
    }

    /// <summary>
    /// Grain storage named <paramref name="name"/> in Redis: states as JSON with an ETag compared on every write and
    /// clear (a conflict raises <see cref="InconsistentStateException"/>). A later registration under the same name
    /// replaces an earlier one. Options are named options under <paramref name="name"/>.
    /// </summary>
    public static SiloBuilder AddRedisGrainStorage(this SiloBuilder builder, string name = GrainStorageNames.Default, Action<RedisGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var services = builder.Services;
        services.AddOptions<RedisGrainStorageOptions>(name).Configure(configure ?? (_ => { })).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisGrainStorageOptions>, RedisGrainStorageOptionsValidator>());
        var connectionKey = "granary.redis.storage." + name;
        services.TryAddKeyedSingleton(connectionKey, (sp, _) => new RedisConnectionSource(
            sp.GetRequiredService<IOptionsMonitor<RedisGrainStorageOptions>>().Get(name).ConnectionString,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new RedisGrainStorage(
            name,
            sp.GetRequiredKeyedService<RedisConnectionSource>(connectionKey),
            sp.GetRequiredService<IOptionsMonitor<RedisGrainStorageOptions>>().Get(name).KeyPrefix));
        return builder;
    }

    /// <summary>
    /// A persistent stream provider named <paramref name="name"/> on Redis Streams: publishing appends (XADD),
    /// subscriptions are consumer groups pulled by the subscriber's silo, delivery is at least once, and named
    /// subscriptions (<see cref="IDurableAsyncStream{T}"/>) survive restarts and can replay from a position.
    /// </summary>
    public static SiloBuilder AddRedisStreams(this SiloBuilder builder, string name, Action<RedisStreamOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var services = builder.Services;
        services.AddOptions<RedisStreamOptions>(name).Configure(configure ?? (_ => { })).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStreamOptions>, RedisStreamOptionsValidator>());
        services.AddSingleton<IStreamProviderFactory>(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<RedisStreamOptions>>().Get(name);
            var loggerFactory = sp.GetRequiredService<ILoggerFactory>();
            return new RedisStreamProviderFactory(name, options, new RedisConnectionSource(options.ConnectionString, loggerFactory), loggerFactory);
        });
        return builder;
    }
}
