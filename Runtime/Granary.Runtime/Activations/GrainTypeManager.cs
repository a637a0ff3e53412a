using Granary.Invocation;

namespace Granary.Runtime.Activations;

/// <summary>
/// Maps grain interfaces to grain types and grain types to classes, from the grain classes registered by generated
/// code. An interface implemented by several classes cannot be resolved by interface alone.
/// </summary>
internal sealed class GrainTypeManager
{
    private readonly Dictionary<string, GrainClassInfo> _classes = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, List<GrainClassInfo>> _byInterface = [];

    public GrainTypeManager(IEnumerable<Type> grainClasses)
    {
        foreach (var type in grainClasses.Distinct())
        {
            var info = new GrainClassInfo(type);
            if (_classes.TryGetValue(info.GrainType, out var existing) && existing.ClassType != type)
            {
                throw new InvalidOperationException($"Grain classes {existing.ClassType} and {type} both have grain type '{info.GrainType}'.");
            }

            _classes[info.GrainType] = info;
            foreach (var iface in type.GetInterfaces().Where(i => typeof(IGrain).IsAssignableFrom(i) && i != typeof(IGrain)
                && i != typeof(IGrainWithStringKey) && i != typeof(IGrainWithGuidKey) && i != typeof(IGrainWithIntegerKey)))
            {
                if (!_byInterface.TryGetValue(iface, out var list))
                {
                    _byInterface[iface] = list = [];
                }

                list.Add(info);
            }
        }
    }

    public IEnumerable<GrainClassInfo> Classes => _classes.Values;

    public bool TryGetClass(string grainType, out GrainClassInfo? info) => _classes.TryGetValue(grainType, out info);

    /// <summary>The grain type implementing <paramref name="grainInterface"/>.</summary>
    public string ResolveGrainType(Type grainInterface)
    {
        if (_byInterface.TryGetValue(grainInterface, out var list) && list.Count == 1)
        {
            return list[0].GrainType;
        }

        throw list is null
            ? new InvalidOperationException($"No grain class implements {grainInterface}. Is the assembly with the implementation loaded on the silo?")
            : new InvalidOperationException($"Grain interface {grainInterface} is implemented by several classes ({string.Join(", ", list.Select(c => c.ClassType.Name))}); get the grain by GrainId instead.");
    }

    /// <summary>Interface id to grain type, for interfaces with one implementation: sent to clients at handshake.</summary>
    public Dictionary<int, string> BuildManifest() => _byInterface.Where(kv => kv.Value.Count == 1)
        .ToDictionary(kv => GrainInterfaceRegistry.GetInterfaceId(kv.Key), kv => kv.Value[0].GrainType);
}
