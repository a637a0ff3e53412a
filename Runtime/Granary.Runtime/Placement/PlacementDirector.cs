using Granary.Placement;
using Granary.Runtime.Activations;
using Granary.Runtime.Membership;

namespace Granary.Runtime.Placement;

/// <summary>
/// Chooses the silo for a new activation from the active silos, following the grain class's placement attribute:
/// random (default), prefer-local, hash-based, silo-role, or keyed-silo (the grain key names the silo).
/// </summary>
internal sealed class PlacementDirector(SiloAddress self, MembershipService membership)
{
    /// <summary>The chosen silo; throws <see cref="SiloUnavailableException"/> when no active silo fits.</summary>
    public SiloAddress Place(GrainId grainId, GrainClassInfo grainClass)
    {
        var active = membership.ActiveSilos;
        switch (grainClass.Placement)
        {
            case KeyedSiloPlacementAttribute:
                return active.FirstOrDefault(s => s.Name == grainId.Key)
                    ?? throw new SiloUnavailableException($"Grain {grainId} must live on silo '{grainId.Key}', which is not active.");
            case SiloRolePlacementAttribute role:
                var withRole = active.Where(s => HasRole(s, role.Role)).ToList();
                if (withRole.Count == 0)
                {
                    throw new SiloUnavailableException($"Grain {grainId} needs a silo with role '{role.Role}'; none is active.");
                }

                return withRole.Contains(self) && withRole.Count == 1 ? self : withRole[Random.Shared.Next(withRole.Count)];
            case PreferLocalPlacementAttribute:
                return active.Contains(self) || active.Count == 0 ? self : active[Random.Shared.Next(active.Count)];
            case HashBasedPlacementAttribute:
                return active.Count == 0 ? self : active[(int)(grainId.StableHashCode % (uint)active.Count)];
            default:
                return active.Count == 0 ? self : active[Random.Shared.Next(active.Count)];
        }
    }

    /// <summary>Whether this silo may host <paramref name="grainId"/> when a peer sends it a request for it.</summary>
    public bool CanHostHere(GrainId grainId, GrainClassInfo grainClass) => grainClass.Placement switch
    {
        KeyedSiloPlacementAttribute => grainId.Key == self.Name,
        SiloRolePlacementAttribute role => HasRole(self, role.Role),
        _ => true,
    };

    private bool HasRole(SiloAddress silo, string role) => membership.GetEntry(silo)?.Roles.Contains(role, StringComparer.Ordinal) == true;
}
