using Granary.Grains.Proxy.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the process's shared Redis connections.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Adds the singleton <see cref="RedisConnectionRegistry"/> (once, however often it is called): every component
    /// of the process that talks to Redis takes its multiplexer from it, one per server.
    /// </summary>
    public static IServiceCollection AddGranaryRedis(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<RedisConnectionRegistry>();
        return services;
    }
}
