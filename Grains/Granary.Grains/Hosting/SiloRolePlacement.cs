using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime.Placement;
using Granary.Grains.Platform;

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

    /// <summary>The grain property naming the role the grain class needs.</summary>
    public const string RoleProperty = "granary.role";

    internal static readonly SiloRolePlacement Instance = new();

    /// <summary>Whether some silo of the cluster, as this silo knows it now, hosts grains of <paramref name="grainType"/>.</summary>
    public static bool AnySiloHosts(IClusterManifestProvider manifests, GrainType grainType) =>
        manifests.Current.Silos.Values.Any(m => m.Grains.TryGetValue(grainType, out var p) && p.Properties.TryGetValue(HostedProperty, out var hosted) && hosted == "true");
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
        properties[SiloRolePlacement.RoleProperty] = Role;
    }
}

/// <summary>
/// Chooses among the silos whose manifest says they host the grain's role. A silo that joined a moment ago may not
/// know the other silos' manifests yet: it waits for them up to <see cref="ManifestWait"/>, then fails at once.
/// </summary>
internal sealed class SiloRolePlacementDirector(IClusterManifestProvider manifests) : IPlacementDirector
{
    private static readonly TimeSpan ManifestWait = TimeSpan.FromSeconds(3);

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var hosts = Hosts(target, context);
        if (hosts.Count == 0)
        {
            using var wait = new CancellationTokenSource(ManifestWait);
            try
            {
                await foreach (var _ in manifests.Updates.WithCancellation(wait.Token).ConfigureAwait(false))
                {
                    if ((hosts = Hosts(target, context)).Count > 0)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (hosts.Count == 0)
        {
            var type = target.GrainIdentity.Type;
            var role = manifests.Current.AllGrainManifests
                .Select(m => m.Grains.TryGetValue(type, out var p) && p.Properties.TryGetValue(SiloRolePlacement.RoleProperty, out var r) ? r : null)
                .FirstOrDefault(r => r is not null) ?? "?";
            throw new RoleUnavailableException(role, $"No active silo has the {role} role that grain type {type} needs (start a silo with that role).");
        }

        return hosts.Contains(context.LocalSilo) ? context.LocalSilo : hosts[Random.Shared.Next(hosts.Count)];
    }

    private List<SiloAddress> Hosts(PlacementTarget target, IPlacementContext context)
    {
        var type = target.GrainIdentity.Type;
        var silos = manifests.Current.Silos;
        return context.GetCompatibleSilos(target)
            .Where(s => silos.TryGetValue(s, out var manifest)
                && manifest.Grains.TryGetValue(type, out var properties)
                && properties.Properties.TryGetValue(SiloRolePlacement.HostedProperty, out var hosted)
                && hosted == "true")
            .ToList();
    }
}
