using Granary.Grains.Controller;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.Hosting;

/// <summary>Turns an Orleans silo into a controller silo.</summary>
public static class ControllerHostingExtensions
{
    /// <summary>
    /// Gives this silo the "controller" role, so the cluster's controller grain and the workflow grains may live here.
    /// The controller keeps its workflows in the "Default" grain storage, which must be shared by every controller silo
    /// for workflows to survive the loss of one.
    /// </summary>
    public static ISiloBuilder AddGranaryController(this ISiloBuilder builder, Action<ControllerOptions>? configure = null)
    {
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        SiloRoles.Add(builder, SiloRoles.Controller);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
