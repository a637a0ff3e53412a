using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Granary.Redis.Internal;

/// <summary>
/// Serialises commands as RESP arrays of bulk strings directly into the connection's pipe buffer: strings are
/// UTF-8 encoded in place and numbers formatted in place, so writing a command allocates nothing.
/// </summary>
internal static class RespWriter
{
    public static void WriteCommand(IBufferWriter<byte> writer, string command, RedisValue[] args)
    {
        WriteHeader(writer, (byte)'*', args.Length + 1);
        WriteString(writer, command);
        foreach (var arg in args)
        {
            WriteArgument(writer, arg);
        }
    }

    public static void WriteArgument(IBufferWriter<byte> writer, RedisValue value)
    {
        switch (value.Kind)
        {
            case RedisValueKind.Null:
                // A nil argument is sent as the empty string, as redis-cli and StackExchange.Redis do.
                WriteBytes(writer, []);
                break;
            case RedisValueKind.String:
                WriteString(writer, (string)value.RawObject!);
                break;
            case RedisValueKind.Bytes:
                WriteBytes(writer, (byte[])value.RawObject!);
                break;
            case RedisValueKind.Int64:
            {
                Span<byte> digits = stackalloc byte[20];
                Utf8Formatter.TryFormat(value.RawInt64, digits, out var written);
                WriteBytes(writer, digits[..written]);
                break;
            }

            default:
            {
                var d = value.RawDouble;
                Span<byte> text = stackalloc byte[32];
                int written;
                if (double.IsPositiveInfinity(d))
                {
                    "+inf"u8.CopyTo(text);
                    written = 4;
                }
                else if (double.IsNegativeInfinity(d))
                {
                    "-inf"u8.CopyTo(text);
                    written = 4;
                }
                else
                {
                    d.TryFormat(text, out written, "R", CultureInfo.InvariantCulture);
                }

                WriteBytes(writer, text[..written]);
                break;
            }
        }
    }

    private static void WriteString(IBufferWriter<byte> writer, string text)
    {
        var length = text.Length <= 64 && IsAscii(text) ? text.Length : Encoding.UTF8.GetByteCount(text);
        WriteHeader(writer, (byte)'$', length);
        var span = writer.GetSpan(length + 2);
        var written = Encoding.UTF8.GetBytes(text, span);
        span[written] = (byte)'\r';
        span[written + 1] = (byte)'\n';
        writer.Advance(written + 2);
    }

    private static void WriteBytes(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        WriteHeader(writer, (byte)'$', bytes.Length);
        var span = writer.GetSpan(bytes.Length + 2);
        bytes.CopyTo(span);
        span[bytes.Length] = (byte)'\r';
        span[bytes.Length + 1] = (byte)'\n';
        writer.Advance(bytes.Length + 2);
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte prefix, int length)
    {
        var span = writer.GetSpan(16);
        span[0] = prefix;
        Utf8Formatter.TryFormat(length, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        writer.Advance(written + 3);
    }

    private static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);
}
