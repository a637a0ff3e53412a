using System.Collections.Concurrent;
using System.Reflection;

namespace Granary.Serialization;

/// <summary>
/// Version-free type names for polymorphic values ("Full.Name, Assembly", generic arguments in brackets) and
/// their resolution. Only types from the framework or from assemblies that reference Granary are resolved, so data
/// from the network cannot name arbitrary types.
/// </summary>
public static class TypeNames
{
    private static readonly ConcurrentDictionary<Type, string> s_names = new();
    private static readonly ConcurrentDictionary<string, Type> s_types = new(StringComparer.Ordinal);
    private static readonly string s_abstractionsName = typeof(TypeNames).Assembly.GetName().Name!;

    public static string Format(Type type) => s_names.GetOrAdd(type, static t => FormatCore(t, true));

    private static string FormatCore(Type type, bool withAssembly)
    {
        string name;
        if (type.IsArray)
        {
            name = FormatCore(type.GetElementType()!, false) + (type.GetArrayRank() == 1 ? "[]" : "[" + new string(',', type.GetArrayRank() - 1) + "]");
        }
        else if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            var args = type.GetGenericArguments().Select(a => "[" + FormatCore(a, true) + "]");
            name = type.GetGenericTypeDefinition().FullName + "[" + string.Join(",", args) + "]";
        }
        else
        {
            name = type.FullName ?? throw new SerializationException($"Type {type} has no full name and cannot be serialized polymorphically.");
        }

        return withAssembly ? name + ", " + type.Assembly.GetName().Name : name;
    }

    public static Type Resolve(string name) => s_types.GetOrAdd(name, static n =>
    {
        Type? type;
        try
        {
            type = Type.GetType(n, ResolveAssembly, null, throwOnError: false);
        }
        catch (Exception ex) when (ex is ArgumentException or FileLoadException or BadImageFormatException)
        {
            throw new SerializationException($"Invalid type name '{n}'.", ex);
        }

        if (type is null)
        {
            throw new SerializationException($"Type '{n}' named in the data is not known in this process.");
        }

        if (!IsAllowed(type))
        {
            throw new SerializationException($"Type '{n}' is not allowed in grain messages (only framework types and types from assemblies referencing Granary are).");
        }

        return type;
    });

    private static Assembly? ResolveAssembly(AssemblyName name)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (string.Equals(assembly.GetName().Name, name.Name, StringComparison.Ordinal))
            {
                return assembly;
            }
        }

        try
        {
            return Assembly.Load(new AssemblyName(name.Name!));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static bool IsAllowed(Type type)
    {
        if (type.IsArray)
        {
            return IsAllowed(type.GetElementType()!);
        }

        if (type.IsGenericType && !type.GetGenericArguments().All(IsAllowed))
        {
            return false;
        }

        var assembly = type.Assembly;
        if (assembly == typeof(object).Assembly || assembly == typeof(TypeNames).Assembly)
        {
            return true;
        }

        var name = assembly.GetName().Name ?? string.Empty;
        if (name.StartsWith("System.", StringComparison.Ordinal))
        {
            return true;
        }

        return assembly.GetReferencedAssemblies().Any(r => r.Name == s_abstractionsName);
    }
}
