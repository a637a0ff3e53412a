using System.Collections.Concurrent;
using System.Reflection;

namespace Granary.Serialization;

/// <summary>
/// Deep copies for calls between grains of the same silo, so that caller and callee never share mutable objects.
/// Immutable values (primitives, strings, Guid, dates, enums, grain ids and references, types marked
/// <see cref="ImmutableAttribute"/>) are passed as they are; anything else is copied through its codec.
/// </summary>
public static class Copier<T>
{
    private static readonly bool s_immutable = Copier.IsImmutable(typeof(T));

    public static T Copy(T value, IGrainReferenceActivator? activator)
    {
        if (s_immutable || value is null || Copier.IsImmutable(value.GetType()))
        {
            return value;
        }

        var writer = Copier.RentWriter();
        try
        {
            Codec<T>.Write(writer, value);
            return Codec<T>.Read(new GrainReader(writer.WrittenMemory, activator));
        }
        finally
        {
            writer.Reset();
        }
    }
}

/// <summary>Non-generic helpers of <see cref="Copier{T}"/>.</summary>
public static class Copier
{
    private static readonly ConcurrentDictionary<Type, bool> s_immutable = new();

    [ThreadStatic]
    private static GrainWriter? t_writer;

    internal static GrainWriter RentWriter() => t_writer ??= new GrainWriter(1024);

    /// <summary>True when values of <paramref name="type"/> are never mutated and need no copy.</summary>
    public static bool IsImmutable(Type type) => s_immutable.GetOrAdd(type, static t =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(Guid) || t == typeof(DateTime)
        || t == typeof(DateTimeOffset) || t == typeof(TimeSpan) || t == typeof(GrainId) || t == typeof(Uri) || t == typeof(Version)
        || typeof(Exception).IsAssignableFrom(t) || typeof(Invocation.GrainReference).IsAssignableFrom(t)
        || CodecProvider.IsGrainInterface(t) || t.GetCustomAttribute<ImmutableAttribute>() is not null
        || (Nullable.GetUnderlyingType(t) is { } u && IsImmutable(u)));
}
