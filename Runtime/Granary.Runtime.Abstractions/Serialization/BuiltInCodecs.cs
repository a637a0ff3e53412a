using System.Runtime.CompilerServices;

namespace Granary.Serialization;

/// <summary>Payload codecs for primitive and well-known framework types.</summary>
internal static class BuiltInCodecs
{
    private static readonly Dictionary<Type, object> s_codecs = new()
    {
        [typeof(bool)] = new Lambda<bool>((w, v) => w.WriteBool(v), r => r.ReadBool()),
        [typeof(byte)] = new Lambda<byte>((w, v) => w.WriteByte(v), r => r.ReadByte()),
        [typeof(sbyte)] = new Lambda<sbyte>((w, v) => w.WriteByte((byte)v), r => (sbyte)r.ReadByte()),
        [typeof(short)] = new Lambda<short>((w, v) => w.WriteVarInt32(v), r => checked((short)r.ReadVarInt32())),
        [typeof(ushort)] = new Lambda<ushort>((w, v) => w.WriteVarUInt32(v), r => checked((ushort)r.ReadVarUInt32())),
        [typeof(int)] = new Lambda<int>((w, v) => w.WriteVarInt32(v), r => r.ReadVarInt32()),
        [typeof(uint)] = new Lambda<uint>((w, v) => w.WriteVarUInt32(v), r => r.ReadVarUInt32()),
        [typeof(long)] = new Lambda<long>((w, v) => w.WriteVarInt64(v), r => r.ReadVarInt64()),
        [typeof(ulong)] = new Lambda<ulong>((w, v) => w.WriteVarUInt64(v), r => r.ReadVarUInt64()),
        [typeof(char)] = new Lambda<char>((w, v) => w.WriteVarUInt32(v), r => checked((char)r.ReadVarUInt32())),
        [typeof(float)] = new Lambda<float>((w, v) => w.WriteSingle(v), r => r.ReadSingle()),
        [typeof(double)] = new Lambda<double>((w, v) => w.WriteDouble(v), r => r.ReadDouble()),
        [typeof(decimal)] = new Lambda<decimal>((w, v) => w.WriteDecimal(v), r => r.ReadDecimal()),
        [typeof(string)] = new Lambda<string>((w, v) => w.WriteString(v), r => r.ReadString()),
        [typeof(byte[])] = new Lambda<byte[]>((w, v) => w.WriteBytes(v), r => r.ReadBytes()),
        [typeof(ReadOnlyMemory<byte>)] = new Lambda<ReadOnlyMemory<byte>>((w, v) => w.WriteBytes(v.Span), r => r.ReadBytes()),
        [typeof(Memory<byte>)] = new Lambda<Memory<byte>>((w, v) => w.WriteBytes(v.Span), r => r.ReadBytes()),
        [typeof(Guid)] = new Lambda<Guid>((w, v) => w.WriteGuid(v), r => r.ReadGuid()),
        [typeof(TimeSpan)] = new Lambda<TimeSpan>((w, v) => w.WriteVarInt64(v.Ticks), r => new TimeSpan(r.ReadVarInt64())),
        [typeof(DateTime)] = new Lambda<DateTime>((w, v) => w.WriteInt64(v.ToBinary()), r => DateTime.FromBinary(r.ReadInt64())),
        [typeof(DateTimeOffset)] = new Lambda<DateTimeOffset>(
            (w, v) => { w.WriteVarInt64(v.Ticks); w.WriteVarInt32((int)v.Offset.TotalMinutes); },
            r => new DateTimeOffset(r.ReadVarInt64(), TimeSpan.FromMinutes(r.ReadVarInt32()))),
        [typeof(GrainId)] = new Lambda<GrainId>((w, v) => { w.WriteString(v.Type); w.WriteString(v.Key); }, r => new GrainId(r.ReadString(), r.ReadString())),
        [typeof(Uri)] = new Lambda<Uri>((w, v) => w.WriteString(v.OriginalString), r => new Uri(r.ReadString(), UriKind.RelativeOrAbsolute)),
        [typeof(Version)] = new Lambda<Version>((w, v) => w.WriteString(v.ToString()), r => Version.Parse(r.ReadString())),
        [typeof(object)] = new Lambda<object>((_, _) => { }, _ => new object()),
    };

    public static object? TryCreate(Type type) => s_codecs.GetValueOrDefault(type);

    private sealed class Lambda<T>(Action<GrainWriter, T> write, Func<GrainReader, T> read) : IFieldCodec<T>
    {
        public void Write(GrainWriter writer, T value) => write(writer, value);

        public T Read(GrainReader reader) => read(reader);
    }
}

/// <summary>Enums as their underlying integer value.</summary>
internal sealed class EnumCodec<T> : IFieldCodec<T>
{
    public void Write(GrainWriter writer, T value)
    {
        long raw = Unsafe.SizeOf<T>() switch
        {
            1 => Unsafe.As<T, byte>(ref value),
            2 => Unsafe.As<T, short>(ref value),
            4 => Unsafe.As<T, int>(ref value),
            _ => Unsafe.As<T, long>(ref value),
        };
        writer.WriteVarInt64(raw);
    }

    public T Read(GrainReader reader)
    {
        var raw = reader.ReadVarInt64();
        T value = default!;
        switch (Unsafe.SizeOf<T>())
        {
            case 1: Unsafe.As<T, byte>(ref value) = (byte)raw; break;
            case 2: Unsafe.As<T, short>(ref value) = (short)raw; break;
            case 4: Unsafe.As<T, int>(ref value) = (int)raw; break;
            default: Unsafe.As<T, long>(ref value) = raw; break;
        }

        return value;
    }
}

internal sealed class NullableCodec<T> : IFieldCodec<T?> where T : struct
{
    public void Write(GrainWriter writer, T? value)
    {
        writer.WriteBool(value.HasValue);
        if (value.HasValue)
        {
            Codec<T>.Write(writer, value.GetValueOrDefault());
        }
    }

    public T? Read(GrainReader reader) => reader.ReadBool() ? Codec<T>.Read(reader) : null;
}

internal sealed class ArrayCodec<T> : IFieldCodec<T[]>
{
    public void Write(GrainWriter writer, T[] value)
    {
        writer.WriteVarUInt32((uint)value.Length);
        foreach (var item in value)
        {
            Codec<T>.Write(writer, item);
        }
    }

    public T[] Read(GrainReader reader)
    {
        var result = new T[reader.ReadCount()];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Codec<T>.Read(reader);
        }

        return result;
    }
}

/// <summary>Lists and list-like interfaces; always read back as <see cref="List{T}"/>.</summary>
internal sealed class ListCodec<TCollection, T> : IFieldCodec<TCollection> where TCollection : IEnumerable<T>
{
    public void Write(GrainWriter writer, TCollection value)
    {
        if (value is IReadOnlyCollection<T> sized)
        {
            writer.WriteVarUInt32((uint)sized.Count);
            foreach (var item in value)
            {
                Codec<T>.Write(writer, item);
            }

            return;
        }

        var items = value.ToList();
        writer.WriteVarUInt32((uint)items.Count);
        foreach (var item in items)
        {
            Codec<T>.Write(writer, item);
        }
    }

    public TCollection Read(GrainReader reader)
    {
        var count = reader.ReadCount();
        var list = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(Codec<T>.Read(reader));
        }

        return (TCollection)(object)list;
    }
}

/// <summary>Dictionaries; always read back as <see cref="Dictionary{TKey, TValue}"/> with the default comparer.</summary>
internal sealed class DictionaryCodec<TDictionary, TKey, TValue> : IFieldCodec<TDictionary>
    where TDictionary : IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : notnull
{
    public void Write(GrainWriter writer, TDictionary value)
    {
        var items = value as IReadOnlyCollection<KeyValuePair<TKey, TValue>> ?? value.ToList();
        writer.WriteVarUInt32((uint)items.Count);
        foreach (var (k, v) in items)
        {
            Codec<TKey>.Write(writer, k);
            Codec<TValue>.Write(writer, v);
        }
    }

    public TDictionary Read(GrainReader reader)
    {
        var count = reader.ReadCount(2);
        var result = new Dictionary<TKey, TValue>(count);
        for (var i = 0; i < count; i++)
        {
            var key = Codec<TKey>.Read(reader);
            result[key] = Codec<TValue>.Read(reader);
        }

        return (TDictionary)(object)result;
    }
}

internal sealed class HashSetCodec<TSet, T> : IFieldCodec<TSet> where TSet : IEnumerable<T>
{
    public void Write(GrainWriter writer, TSet value)
    {
        var items = value as IReadOnlyCollection<T> ?? value.ToList();
        writer.WriteVarUInt32((uint)items.Count);
        foreach (var item in items)
        {
            Codec<T>.Write(writer, item);
        }
    }

    public TSet Read(GrainReader reader)
    {
        var count = reader.ReadCount();
        var result = new HashSet<T>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(Codec<T>.Read(reader));
        }

        return (TSet)(object)result;
    }
}

internal sealed class KeyValuePairCodec<TKey, TValue> : IFieldCodec<KeyValuePair<TKey, TValue>>
{
    public void Write(GrainWriter writer, KeyValuePair<TKey, TValue> value)
    {
        Codec<TKey>.Write(writer, value.Key);
        Codec<TValue>.Write(writer, value.Value);
    }

    public KeyValuePair<TKey, TValue> Read(GrainReader reader) => new(Codec<TKey>.Read(reader), Codec<TValue>.Read(reader));
}

internal sealed class ValueTupleCodec<T1, T2> : IFieldCodec<(T1, T2)>
{
    public void Write(GrainWriter writer, (T1, T2) value)
    {
        Codec<T1>.Write(writer, value.Item1);
        Codec<T2>.Write(writer, value.Item2);
    }

    public (T1, T2) Read(GrainReader reader) => (Codec<T1>.Read(reader), Codec<T2>.Read(reader));
}

internal sealed class ValueTupleCodec<T1, T2, T3> : IFieldCodec<(T1, T2, T3)>
{
    public void Write(GrainWriter writer, (T1, T2, T3) value)
    {
        Codec<T1>.Write(writer, value.Item1);
        Codec<T2>.Write(writer, value.Item2);
        Codec<T3>.Write(writer, value.Item3);
    }

    public (T1, T2, T3) Read(GrainReader reader) => (Codec<T1>.Read(reader), Codec<T2>.Read(reader), Codec<T3>.Read(reader));
}
