using Granary.Grains.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;

namespace Granary.Hosting;

/// <summary>
/// The Granary roles of a silo: the controller's grains live only on controller silos and the domain's only on
/// orchestrator silos (<see cref="SiloRolePlacement"/>); a node silo hosts its own node grain
/// (<see cref="Grains.Nodes.NodeSiloPlacement"/>).
/// </summary>
public sealed class SiloRoles
{
    public const string Controller = "controller";
    public const string Orchestrator = "orchestrator";
    public const string Node = "node";

    /// <summary>The roles given to this silo.</summary>
    public HashSet<string> Roles { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gives the silo <paramref name="role"/> with its options (<paramref name="configure"/>, when given) and the clock the
    /// platform's grains and services read; see <see cref="Add(ISiloBuilder, string)"/>.
    /// </summary>
    internal static ISiloBuilder Add<TOptions>(ISiloBuilder builder, string role, Action<TOptions>? configure)
        where TOptions : class
    {
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        Add(builder, role);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Gives the silo <paramref name="role"/>; the first call also installs what every Granary silo has: the placement
    /// directors of role and node grains and the grain call metrics.
    /// </summary>
    internal static void Add(ISiloBuilder builder, string role)
    {
        if (!builder.Services.Any(s => s.ServiceType == typeof(Installed)))
        {
            builder.Services.AddSingleton<Installed>();
            // The caller's silo places a grain, so every silo has the directors.
            builder.AddPlacementDirector<SiloRolePlacement, SiloRolePlacementDirector>();
            builder.AddPlacementDirector<NodeSiloPlacement, NodeSiloPlacementDirector>();
            builder.Services.AddSingleton<GrainCallMetrics>();

            // An instance that fails to start says why in an exception whose inner exceptions come from the engines
            // (Docker, Wasmtime): Orleans carries their type, message and stack only for namespaces it is told of.
            builder.Services.Configure<ExceptionSerializationOptions>(o =>
            {
                o.SupportedNamespacePrefixes.Add("Granary");
                o.SupportedNamespacePrefixes.Add("Docker");
                o.SupportedNamespacePrefixes.Add("Wasmtime");
            });
            builder.Services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<GrainCallMetrics>());
        }

        builder.Services.Configure<SiloRoles>(r => r.Roles.Add(role));
    }

    /// <summary>Marks a silo whose directors and call metrics are installed.</summary>
    private sealed class Installed;
}
