using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Granary.Hosting;

/// <summary>
/// Places a grain only on silos with a Granary role (<see cref="SiloRoles"/>): the controller's grains on controller
/// silos, the domain's on orchestrator silos. Every silo loads every grain class (so any silo and any client can
/// address any grain at once); each silo says in its grain manifest which role grains it hosts, and this strategy
/// picks among those: the calling silo when it qualifies, else a random one.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed class SiloRolePlacement : PlacementStrategy
{
    /// <summary>The grain property that says whether a silo has the role its class needs ("true" or "false").</summary>
    public const string HostedProperty = "granary.role-hosted";

    internal static readonly SiloRolePlacement Instance = new();
}

/// <summary>Places a grain class on the silos that have <see cref="Role"/> (see <see cref="SiloRolePlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloRolePlacementAttribute(string role) : PlacementAttribute(SiloRolePlacement.Instance), IGrainPropertiesProviderAttribute
{
    /// <summary>The role a silo needs to host the grain class: one of <see cref="SiloRoles"/>' names.</summary>
    public string Role { get; } = role;

    void IGrainPropertiesProviderAttribute.Populate(IServiceProvider services, Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        Populate(services, grainClass, grainType, properties);
        var roles = services.GetService<IOptions<SiloRoles>>()?.Value.Roles;
        properties[SiloRolePlacement.HostedProperty] = roles?.Contains(Role) == true ? "true" : "false";
    }
}

/// <summary>Chooses among the silos whose manifest says they host the grain's role; fails when none does.</summary>
internal sealed class SiloRolePlacementDirector(IClusterManifestProvider manifests) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var type = target.GrainIdentity.Type;
        var silos = manifests.Current.Silos;
        var hosts = context.GetCompatibleSilos(target)
            .Where(s => silos.TryGetValue(s, out var manifest)
                && manifest.Grains.TryGetValue(type, out var properties)
                && properties.Properties.TryGetValue(SiloRolePlacement.HostedProperty, out var hosted)
                && hosted == "true")
            .ToList();
        if (hosts.Count == 0)
        {
            throw new SiloUnavailableException($"No active silo has the role needed by grain type {type} (start a silo with that role: controller, orchestrator or node).");
        }

        return Task.FromResult(hosts.Contains(context.LocalSilo) ? context.LocalSilo : hosts[Random.Shared.Next(hosts.Count)]);
    }
}
