using System.Runtime.CompilerServices;

namespace Granary.Serialization;

/// <summary>
/// Writes and reads values of declared type <typeparamref name="T"/>. Value types are written as their payload;
/// reference types get a marker byte first: 0 = null, 1 = exactly <typeparamref name="T"/> (or a type the codec
/// handles polymorphically), 2 = a derived runtime type whose name follows. The payload codec is resolved once per
/// type by <see cref="CodecProvider"/>.
/// </summary>
public static class Codec<T>
{
    private const byte NullMarker = 0;
    private const byte ExactMarker = 1;
    private const byte TypedMarker = 2;

    /// <summary>The codec for the payload of <typeparamref name="T"/>, without markers.</summary>
    public static readonly IFieldCodec<T> Payload = CodecProvider.CreatePayloadCodec<T>();

    private static readonly bool s_handlesAnyRuntimeType = CodecProvider.HandlesAnyRuntimeType(typeof(T));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(GrainWriter writer, T value)
    {
        if (typeof(T).IsValueType)
        {
            Payload.Write(writer, value);
            return;
        }

        WriteReference(writer, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read(GrainReader reader)
    {
        if (typeof(T).IsValueType)
        {
            return Payload.Read(reader);
        }

        return ReadReference(reader);
    }

    private static void WriteReference(GrainWriter writer, T value)
    {
        if (value is null)
        {
            writer.WriteByte(NullMarker);
            return;
        }

        var runtimeType = value.GetType();
        if (s_handlesAnyRuntimeType || runtimeType == typeof(T))
        {
            writer.WriteByte(ExactMarker);
            Payload.Write(writer, value);
            return;
        }

        writer.WriteByte(TypedMarker);
        writer.WriteString(TypeNames.Format(runtimeType));
        CodecProvider.GetUntyped(runtimeType).WriteObject(writer, value);
    }

    private static T ReadReference(GrainReader reader)
    {
        var marker = reader.ReadByte();
        switch (marker)
        {
            case NullMarker:
                return default!;
            case ExactMarker:
                return Payload.Read(reader);
            case TypedMarker:
                var type = TypeNames.Resolve(reader.ReadString());
                if (!typeof(T).IsAssignableFrom(type))
                {
                    throw new SerializationException($"Type {type} found in data is not assignable to {typeof(T)}.");
                }

                return (T)CodecProvider.GetUntyped(type).ReadObject(reader)!;
            default:
                throw new SerializationException($"Invalid value marker {marker} for {typeof(T)} at offset {reader.Position - 1}.");
        }
    }
}
