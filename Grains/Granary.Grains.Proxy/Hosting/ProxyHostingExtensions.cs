using Granary.Grains.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.Hosting;

/// <summary>Adds a domain's Redis proxy (mirror and intents) to an orchestrator silo.</summary>
public static class ProxyHostingExtensions
{
    /// <summary>
    /// Runs the Redis proxy of a domain on this silo (see <see cref="ProxyOptions"/>; bind Granary:Proxy before, or
    /// set the options in <paramref name="configure"/>). The silo should also be an orchestrator
    /// (<c>AddGranaryOrchestrator</c>). The host fails to start when the options are invalid, naming the setting.
    /// </summary>
    public static ISiloBuilder AddGranaryProxy(this ISiloBuilder builder, Action<ProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddGranaryRedis();
        builder.Services.AddHostedService<DomainProxyService>();
        return builder;
    }
}
