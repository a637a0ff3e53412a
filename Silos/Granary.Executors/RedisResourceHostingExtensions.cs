using Granary.Executors.Resources;
using Granary.Grains.Execution;
using Granary.Grains.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Hosting;

/// <summary>Registers the resources that write to Redis: <c>redis</c> and <c>metrics-collector</c>.</summary>
public static class RedisResourceHostingExtensions
{
    /// <summary>The <c>redis</c> resource (configurations <c>url</c>, <c>key</c>).</summary>
    public static ISiloBuilder AddRedisResource(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGranaryRedis();
        builder.Services.AddSingleton<IFunctionExecutor, RedisResourceExecutor>();
        return builder;
    }

    /// <summary>
    /// The <c>metrics-collector</c> resource (configuration <c>wf_name</c>), writing to the Redis set by
    /// <paramref name="configure"/> (<see cref="MetricsCollectorOptions.Url"/>, normally the proxy URL).
    /// </summary>
    public static ISiloBuilder AddMetricsCollectorResource(this ISiloBuilder builder, Action<MetricsCollectorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MetricsCollectorOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.AddGranaryRedis();
        builder.Services.AddSingleton<IFunctionExecutor, MetricsCollectorExecutor>();
        return builder;
    }

    /// <summary>
    /// The orchestrator's runtime-less node (as the seed's orchestrator hosts one when metrics collection is on): makes
    /// this silo a node of its domain that offers no function runtime and only the <c>metrics-collector</c> resource,
    /// writing to <paramref name="proxyUrl"/>. Add it to an orchestrator silo that is not also a node.
    /// </summary>
    public static ISiloBuilder AddMetricsCollectorNode(this ISiloBuilder builder, string proxyUrl, Action<NodeOptions>? configureNode = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(proxyUrl);
        return builder.AddGranaryNode(configureNode).AddMetricsCollectorResource(o => o.Url = proxyUrl);
    }
}
