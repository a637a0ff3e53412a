using System.Text;
using Granary.Wasm.Model;

namespace Granary.Wasm.Decoding;

/// <summary>Reads the primitive encodings of the binary format (LEB128, names, value types) with strict checks.</summary>
internal sealed class WasmReader(byte[] bytes, int position, int end)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public int Position { get; set; } = position;

    public int End { get; set; } = end;

    public byte[] Bytes => bytes;

    public bool AtEnd => Position >= End;

    public static WasmCompileException Malformed(string message) => new(message);

    public byte ReadByte()
    {
        if (Position >= End)
        {
            throw Malformed("unexpected end");
        }

        return bytes[Position++];
    }

    public byte PeekByte() => Position < End ? bytes[Position] : throw Malformed("unexpected end");

    public uint ReadU32()
    {
        uint result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Malformed("integer representation too long");
                }

                if ((b & 0x70) != 0)
                {
                    throw Malformed("integer too large");
                }
            }

            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public int ReadS32()
    {
        int result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Malformed("integer representation too long");
                }

                // The unused bits must be a sign extension of bit 3 of this byte.
                var top = b & 0x78;
                if (top != 0 && top != 0x78)
                {
                    throw Malformed("integer too large");
                }
            }

            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (shift < 25 && (b & 0x40) != 0)
                {
                    result |= -1 << (shift + 7);
                }

                return result;
            }
        }
    }

    public long ReadS33()
    {
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Malformed("integer representation too long");
                }

                var top = b & 0x70;
                if (top != 0 && top != 0x70)
                {
                    throw Malformed("integer too large");
                }
            }

            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (shift + 7 < 64 && (b & 0x40) != 0)
                {
                    result |= -1L << (shift + 7);
                }

                return result;
            }
        }
    }

    public long ReadS64()
    {
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63)
            {
                if ((b & 0x80) != 0)
                {
                    throw Malformed("integer representation too long");
                }

                if (b != 0 && b != 0x7F)
                {
                    throw Malformed("integer too large");
                }
            }

            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (shift + 7 < 64 && (b & 0x40) != 0)
                {
                    result |= -1L << (shift + 7);
                }

                return result;
            }
        }
    }

    public uint ReadFixed32()
    {
        if (End - Position < 4)
        {
            Position = End;
            throw Malformed("unexpected end");
        }

        var v = BitConverter.ToUInt32(bytes, Position);
        Position += 4;
        return v;
    }

    public ulong ReadFixed64()
    {
        if (End - Position < 8)
        {
            Position = End;
            throw Malformed("unexpected end");
        }

        var v = BitConverter.ToUInt64(bytes, Position);
        Position += 8;
        return v;
    }

    public byte[] ReadBytes(int count)
    {
        if (count < 0 || End - Position < count)
        {
            throw Malformed("unexpected end of section or function");
        }

        var result = bytes.AsSpan(Position, count).ToArray();
        Position += count;
        return result;
    }

    public string ReadName()
    {
        var length = (int)ReadU32();
        if (length < 0 || End - Position < length)
        {
            throw Malformed("unexpected end of section or function");
        }

        try
        {
            var s = StrictUtf8.GetString(bytes, Position, length);
            Position += length;
            return s;
        }
        catch (ArgumentException)
        {
            throw Malformed("malformed UTF-8 encoding");
        }
    }

    public ValType ReadValType()
    {
        var b = ReadByte();
        return b switch
        {
            0x7F or 0x7E or 0x7D or 0x7C or 0x7B or 0x70 or 0x6F => (ValType)b,
            _ => throw Malformed("malformed value type"),
        };
    }

    public ValType ReadRefType()
    {
        var b = ReadByte();
        return b switch
        {
            0x70 or 0x6F => (ValType)b,
            _ => throw Malformed("malformed reference type"),
        };
    }

    public int ReadCount()
    {
        var n = ReadU32();

        // Every element takes at least one byte, so a larger count cannot be satisfied.
        if (n > End - Position)
        {
            throw Malformed("unexpected end of section or function");
        }

        return (int)n;
    }
}
