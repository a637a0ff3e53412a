using Granary.Grains.Controller;
using Granary.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.Runtime.Hosting;

/// <summary>Turns a silo into a controller silo.</summary>
public static class ControllerHostingExtensions
{
    /// <summary>
    /// Gives this silo the "controller" role, so the cluster's controller grain may live here. The controller keeps
    /// its workflows in the "Default" grain storage, which must be shared by every controller silo for workflows to
    /// survive the loss of one.
    /// </summary>
    public static SiloBuilder AddGranaryController(this SiloBuilder builder, Action<ControllerOptions>? configure = null)
    {
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<SiloOptions>().Configure(silo =>
        {
            if (!silo.Roles.Contains("controller"))
            {
                silo.Roles.Add("controller");
            }
        });
        return builder;
    }
}
