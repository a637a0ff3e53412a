using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Granary.Serialization;

/// <summary>
/// Chooses the payload codec of a type, once: registered (generated) codecs first, then built-in codecs for
/// primitives, strings, byte arrays, Guid, dates, enums, nullables, arrays, lists, dictionaries, sets, pairs and
/// tuples, grain references and exceptions; anything else falls back to System.Text.Json.
/// </summary>
public static class CodecProvider
{
    private static readonly ConcurrentDictionary<Type, IUntypedCodec> s_untyped = new();

    /// <summary>The payload codec of <paramref name="type"/> for values known only as <see cref="object"/>.</summary>
    public static IUntypedCodec GetUntyped(Type type) => s_untyped.GetOrAdd(type, static t =>
        (IUntypedCodec)Activator.CreateInstance(typeof(UntypedCodec<>).MakeGenericType(t))!);

    /// <summary>
    /// True when the payload codec of <paramref name="declared"/> already covers every runtime type assignable to
    /// it, so no type name needs to be written.
    /// </summary>
    internal static bool HandlesAnyRuntimeType(Type declared) =>
        declared.IsSealed || declared.IsArray || IsCollectionInterface(declared) || IsGrainInterface(declared) || typeof(Exception).IsAssignableFrom(declared);

    internal static bool IsGrainInterface(Type type) => type.IsInterface && typeof(IGrain).IsAssignableFrom(type);

    private static bool IsCollectionInterface(Type type)
    {
        if (!type.IsInterface || !type.IsGenericType)
        {
            return false;
        }

        var def = type.GetGenericTypeDefinition();
        return def == typeof(IEnumerable<>) || def == typeof(IList<>) || def == typeof(IReadOnlyList<>) || def == typeof(ICollection<>)
            || def == typeof(IReadOnlyCollection<>) || def == typeof(IDictionary<,>) || def == typeof(IReadOnlyDictionary<,>)
            || def == typeof(ISet<>) || def == typeof(IReadOnlySet<>);
    }

    internal static IFieldCodec<T> CreatePayloadCodec<T>()
    {
        if (CodecRegistry.TryGet<T>(out var registered))
        {
            return registered!;
        }

        var builtIn = BuiltInCodecs.TryCreate(typeof(T));
        if (builtIn is not null)
        {
            return (IFieldCodec<T>)builtIn;
        }

        var type = typeof(T);
        if (type.IsEnum)
        {
            return new EnumCodec<T>();
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Make<T>(typeof(NullableCodec<>), underlying);
        }

        if (type.IsArray && type.GetArrayRank() == 1)
        {
            return Make<T>(typeof(ArrayCodec<>), type.GetElementType()!);
        }

        if (type.IsGenericType)
        {
            var def = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (def == typeof(List<>) || def == typeof(IList<>) || def == typeof(IReadOnlyList<>) || def == typeof(ICollection<>)
                || def == typeof(IReadOnlyCollection<>) || def == typeof(IEnumerable<>))
            {
                return Make<T>(typeof(ListCodec<,>), type, args[0]);
            }

            if (def == typeof(Dictionary<,>) || def == typeof(IDictionary<,>) || def == typeof(IReadOnlyDictionary<,>))
            {
                return Make<T>(typeof(DictionaryCodec<,,>), type, args[0], args[1]);
            }

            if (def == typeof(HashSet<>) || def == typeof(ISet<>) || def == typeof(IReadOnlySet<>))
            {
                return Make<T>(typeof(HashSetCodec<,>), type, args[0]);
            }

            if (def == typeof(KeyValuePair<,>))
            {
                return Make<T>(typeof(KeyValuePairCodec<,>), args[0], args[1]);
            }

            if (def == typeof(ValueTuple<,>))
            {
                return Make<T>(typeof(ValueTupleCodec<,>), args[0], args[1]);
            }

            if (def == typeof(ValueTuple<,,>))
            {
                return Make<T>(typeof(ValueTupleCodec<,,>), args[0], args[1], args[2]);
            }
        }

        if (IsGrainInterface(type))
        {
            return new GrainReferenceCodec<T>();
        }

        if (typeof(Exception).IsAssignableFrom(type))
        {
            return new ExceptionCodec<T>();
        }

        return new JsonFallbackCodec<T>();
    }

    private static IFieldCodec<T> Make<T>(Type openCodec, params Type[] args) =>
        (IFieldCodec<T>)Activator.CreateInstance(openCodec.MakeGenericType(args))!;

    /// <summary>Forces the module initializers of <paramref name="assembly"/> (generated registrations) to run.</summary>
    public static void EnsureRegistered(Assembly assembly) => RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);

    private sealed class UntypedCodec<T> : IUntypedCodec
    {
        public void WriteObject(GrainWriter writer, object value) => Codec<T>.Payload.Write(writer, (T)value);

        public object? ReadObject(GrainReader reader) => Codec<T>.Payload.Read(reader);
    }
}
