using System.Collections.Concurrent;
using System.Reflection;

namespace Granary.Invocation;

/// <summary>
/// What the code generator registers from each assembly's module initializer: proxy factories per grain
/// interface, method metadata per (interface id, method id), and grain classes.
/// </summary>
public static class GrainInterfaceRegistry
{
    private static readonly ConcurrentDictionary<Type, Func<IGrainCallInvoker, GrainId, GrainReference>> s_proxies = new();
    private static readonly ConcurrentDictionary<(int InterfaceId, int MethodId), GrainMethodInfo> s_methods = new();
    private static readonly ConcurrentDictionary<int, Type> s_interfaces = new();
    private static readonly ConcurrentDictionary<Type, int> s_interfaceIds = new();
    private static readonly ConcurrentDictionary<Type, byte> s_grainClasses = new();

    /// <summary>Registers the proxy factory of <paramref name="interfaceType"/>.</summary>
    public static void RegisterProxy(Type interfaceType, Func<IGrainCallInvoker, GrainId, GrainReference> factory)
    {
        s_proxies[interfaceType] = factory;
        s_interfaces[GetInterfaceId(interfaceType)] = interfaceType;
    }

    /// <summary>Registers a method; registering the same method twice (from two assemblies) is harmless.</summary>
    public static void RegisterMethod(GrainMethodInfo method)
    {
        s_methods.TryAdd((method.InterfaceId, method.MethodId), method);
        s_interfaces.TryAdd(method.InterfaceId, method.InterfaceType);
    }

    /// <summary>Registers a grain implementation class.</summary>
    public static void RegisterGrainClass(Type grainClass) => s_grainClasses.TryAdd(grainClass, 0);

    /// <summary>Every grain class registered so far.</summary>
    public static IReadOnlyCollection<Type> GrainClasses => (IReadOnlyCollection<Type>)s_grainClasses.Keys;

    public static bool TryGetMethod(int interfaceId, int methodId, out GrainMethodInfo? method) =>
        s_methods.TryGetValue((interfaceId, methodId), out method);

    public static bool TryGetInterface(int interfaceId, out Type? interfaceType) => s_interfaces.TryGetValue(interfaceId, out interfaceType);

    /// <summary>The proxy factory for <paramref name="interfaceType"/>, running its assembly's registrations first if needed.</summary>
    public static Func<IGrainCallInvoker, GrainId, GrainReference> GetProxyFactory(Type interfaceType)
    {
        if (s_proxies.TryGetValue(interfaceType, out var factory))
        {
            return factory;
        }

        Serialization.CodecProvider.EnsureRegistered(interfaceType.Assembly);
        return s_proxies.TryGetValue(interfaceType, out factory)
            ? factory
            : throw new InvalidOperationException($"No generated proxy for grain interface {interfaceType}. Is the Granary code generator referenced by the project that declares it?");
    }

    /// <summary>The stable id of a grain interface: the stable hash of its full name.</summary>
    public static int GetInterfaceId(Type interfaceType) => s_interfaceIds.GetOrAdd(interfaceType, ComputeInterfaceId);

    internal static int ComputeInterfaceId(Type interfaceType) => StableHash.Of(interfaceType.FullName ?? interfaceType.Name);

    /// <summary>The stable id of a method: the stable hash of its name and parameter type names.</summary>
    public static int ComputeMethodId(string methodName, params string[] parameterTypes) =>
        StableHash.Of(methodName + "(" + string.Join(",", parameterTypes) + ")");

    /// <summary>Runs the generated registrations of every loaded assembly that references Granary.</summary>
    public static void RegisterLoadedAssemblies()
    {
        var abstractions = typeof(IGrain).Assembly.GetName().Name;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!assembly.IsDynamic && assembly.GetReferencedAssemblies().Any(r => r.Name == abstractions))
            {
                Serialization.CodecProvider.EnsureRegistered(assembly);
            }
        }
    }

    /// <summary>Runs the generated registrations of <paramref name="assembly"/> and the assemblies it references.</summary>
    public static void RegisterAssemblyTree(Assembly assembly)
    {
        var abstractions = typeof(IGrain).Assembly.GetName().Name;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([assembly]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!seen.Add(current.FullName!))
            {
                continue;
            }

            var references = current.GetReferencedAssemblies();
            if (references.Any(r => r.Name == abstractions))
            {
                Serialization.CodecProvider.EnsureRegistered(current);
            }

            foreach (var reference in references)
            {
                if (reference.Name is { } name && !name.StartsWith("System", StringComparison.Ordinal) && !name.StartsWith("Microsoft", StringComparison.Ordinal))
                {
                    try
                    {
                        pending.Push(Assembly.Load(reference));
                    }
                    catch (FileNotFoundException)
                    {
                    }
                }
            }
        }
    }
}
