using System.Collections.Concurrent;

namespace Granary.Serialization;

/// <summary>
/// Codecs registered by generated code (for <see cref="GenerateSerializerAttribute"/> types) or by hand. A
/// registration must happen before the type is first serialized: the choice is cached per type.
/// </summary>
public static class CodecRegistry
{
    private static readonly ConcurrentDictionary<Type, object> s_codecs = new();

    /// <summary>Registers <paramref name="codec"/> as the payload codec of <typeparamref name="T"/>.</summary>
    public static void Register<T>(IFieldCodec<T> codec) => s_codecs[typeof(T)] = codec;

    internal static bool TryGet<T>(out IFieldCodec<T>? codec)
    {
        if (s_codecs.TryGetValue(typeof(T), out var found))
        {
            codec = (IFieldCodec<T>)found;
            return true;
        }

        codec = null;
        return false;
    }
}
