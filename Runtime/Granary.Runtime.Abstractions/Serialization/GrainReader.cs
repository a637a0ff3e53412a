using System.Buffers.Binary;
using System.Text;

namespace Granary.Serialization;

/// <summary>
/// Reads what <see cref="GrainWriter"/> wrote. Every read checks bounds and throws <see cref="SerializationException"/>
/// on truncated or malformed input, never reading past the buffer.
/// </summary>
public sealed class GrainReader
{
    private ReadOnlyMemory<byte> _memory;
    private int _position;

    public GrainReader(ReadOnlyMemory<byte> data, IGrainReferenceActivator? referenceActivator = null)
    {
        _memory = data;
        ReferenceActivator = referenceActivator;
    }

    /// <summary>Creates grain references found in the data; null where references cannot be read.</summary>
    public IGrainReferenceActivator? ReferenceActivator { get; set; }

    /// <summary>Offset of the next byte to read.</summary>
    public int Position
    {
        get => _position;
        set
        {
            if (value < 0 || value > _memory.Length)
            {
                throw new SerializationException($"Position {value} is outside the {_memory.Length}-byte buffer.");
            }

            _position = value;
        }
    }

    /// <summary>Bytes left to read.</summary>
    public int Remaining => _memory.Length - _position;

    /// <summary>Points the reader at new data.</summary>
    public void Reset(ReadOnlyMemory<byte> data)
    {
        _memory = data;
        _position = 0;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_memory.Length - _position))
        {
            throw new SerializationException($"Unexpected end of data: needed {count} bytes at offset {_position}, {_memory.Length - _position} left.");
        }

        var span = _memory.Span.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte ReadByte() => Take(1)[0];

    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new SerializationException($"Invalid boolean byte {b} at offset {_position - 1}."),
    };

    public ulong ReadVarUInt64()
    {
        ulong result = 0;
        var span = _memory.Span;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= span.Length)
            {
                throw new SerializationException("Unexpected end of data inside a varint.");
            }

            var b = span[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new SerializationException("Varint longer than 10 bytes.");
    }

    public uint ReadVarUInt32()
    {
        var value = ReadVarUInt64();
        return value <= uint.MaxValue ? (uint)value : throw new SerializationException($"Varint {value} does not fit 32 bits.");
    }

    public long ReadVarInt64()
    {
        var raw = ReadVarUInt64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public int ReadVarInt32()
    {
        var value = ReadVarInt64();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new SerializationException($"Varint {value} does not fit 32 bits.");
    }

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public Guid ReadGuid() => new(Take(16));

    public decimal ReadDecimal()
    {
        Span<int> bits = [ReadInt32(), ReadInt32(), ReadInt32(), ReadInt32()];
        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException ex)
        {
            throw new SerializationException("Invalid decimal.", ex);
        }
    }

    /// <summary>A count read from the data, checked against what is left so a corrupt count fails fast.</summary>
    public int ReadCount(int minBytesPerItem = 1)
    {
        var count = ReadVarUInt32();
        if (count > int.MaxValue || (long)count * Math.Max(minBytesPerItem, 0) > Remaining)
        {
            throw new SerializationException($"Count {count} at offset {_position} exceeds the remaining {Remaining} bytes.");
        }

        return (int)count;
    }

    public string ReadString()
    {
        var count = ReadCount();
        try
        {
            return Encoding.UTF8.GetString(Take(count));
        }
        catch (DecoderFallbackException ex)
        {
            throw new SerializationException("Invalid UTF-8 in string.", ex);
        }
    }

    public string? ReadNullableString() => ReadBool() ? ReadString() : null;

    public byte[] ReadBytes() => Take(ReadCount()).ToArray();

    /// <summary>Reads a length-prefixed byte run without copying; the memory aliases the reader's buffer.</summary>
    public ReadOnlyMemory<byte> ReadBytesAsMemory()
    {
        var count = ReadCount();
        Take(count);
        return _memory.Slice(_position - count, count);
    }

    public void Skip(int count) => Take(count);
}
