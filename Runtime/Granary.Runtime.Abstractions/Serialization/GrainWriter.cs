using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Granary.Serialization;

/// <summary>
/// An append-only binary writer over a growable pooled buffer. Integers are written as LEB128 varints (zigzag for
/// signed), strings as a varint byte count plus UTF-8. Reuse an instance with <see cref="Reset"/>; dispose it to
/// return the buffer to the pool.
/// </summary>
public sealed class GrainWriter : IDisposable
{
    private byte[] _buffer;
    private int _position;

    public GrainWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Number of bytes written.</summary>
    public int Length => _position;

    /// <summary>The bytes written so far; valid until the next write or <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    /// <summary>The bytes written so far; valid until the next write or <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _position);

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Reset() => _position = 0;

    /// <summary>Copies the written bytes into a new array.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Take(int count)
    {
        if (_buffer.Length - _position < count)
        {
            Grow(count);
        }

        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Grow(int count)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void WriteByte(byte value) => Take(1)[0] = value;

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteVarUInt64(ulong value)
    {
        if (_buffer.Length - _position < 10)
        {
            Grow(10);
        }

        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_position++] = (byte)value;
    }

    public void WriteVarUInt32(uint value) => WriteVarUInt64(value);

    public void WriteVarInt64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    public void WriteVarInt32(int value) => WriteVarInt64(value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Take(4), value);

    public void WriteGuid(Guid value) => value.TryWriteBytes(Take(16));

    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var b in bits)
        {
            WriteInt32(b);
        }
    }

    /// <summary>Writes a non-null string: varint UTF-8 byte count, then the bytes.</summary>
    public void WriteString(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128)
        {
            // Length fits one varint byte when the encoded string is under 128 bytes.
            var span = Take(1 + max);
            var n = Encoding.UTF8.GetBytes(value, span[1..]);
            span[0] = (byte)n;
            _position -= max - n;
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt32((uint)count);
        Encoding.UTF8.GetBytes(value, Take(count));
    }

    /// <summary>Writes a string that may be null (a presence byte first).</summary>
    public void WriteNullableString(string? value)
    {
        WriteBool(value is not null);
        if (value is not null)
        {
            WriteString(value);
        }
    }

    /// <summary>Writes a varint length followed by the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt32((uint)value.Length);
        value.CopyTo(Take(value.Length));
    }

    /// <summary>Writes raw bytes with no length.</summary>
    public void WriteRaw(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    /// <summary>Reserves four bytes for a length written later with <see cref="PatchLength"/>.</summary>
    public int ReserveLength()
    {
        Take(4);
        return _position - 4;
    }

    /// <summary>Writes, at <paramref name="at"/>, the number of bytes written since that reservation.</summary>
    public void PatchLength(int at) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(at, 4), _position - at - 4);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _position = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
