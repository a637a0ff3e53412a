using Granary.Grains.Controller;

namespace Granary.Hosting;

/// <summary>Turns an Orleans silo into a controller silo.</summary>
public static class ControllerHostingExtensions
{
    /// <summary>
    /// Gives this silo the "controller" role, so the cluster's controller grain and the workflow grains may live here.
    /// The controller keeps its workflows in the "Default" grain storage, which must be shared by every controller silo
    /// for workflows to survive the loss of one.
    /// </summary>
    public static ISiloBuilder AddGranaryController(this ISiloBuilder builder, Action<ControllerOptions>? configure = null) =>
        SiloRoles.Add(builder, SiloRoles.Controller, configure);
}
