namespace Granary.Placement;

/// <summary>Base class of the attributes that choose where new activations of a grain class are created.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class PlacementAttribute : Attribute;

/// <summary>New activations go to a random compatible silo. This is the default.</summary>
public sealed class RandomPlacementAttribute : PlacementAttribute;

/// <summary>New activations go to the calling silo when it can host the grain, else to a random compatible silo.</summary>
public sealed class PreferLocalPlacementAttribute : PlacementAttribute;

/// <summary>
/// New activations go to the compatible silo chosen by the grain id's stable hash over the sorted list of active
/// silos, so every silo makes the same choice while membership is stable.
/// </summary>
public sealed class HashBasedPlacementAttribute : PlacementAttribute;

/// <summary>New activations go to a random active silo carrying <see cref="Role"/>.</summary>
public sealed class SiloRolePlacementAttribute(string role) : PlacementAttribute
{
    public string Role { get; } = role;
}

/// <summary>
/// The grain key names the silo: the grain is activated only on the active silo whose name equals the key (a
/// NodeGrain lives on its own node's silo). Calls fail with <see cref="SiloUnavailableException"/> while no such
/// silo is active.
/// </summary>
public sealed class KeyedSiloPlacementAttribute : PlacementAttribute;
