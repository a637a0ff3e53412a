using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Granary.Redis.Internal;

/// <summary>
/// Parses RESP2 and RESP3 replies straight from the socket's pipe buffer. <see cref="TryParse"/> either consumes one
/// whole reply or nothing (the caller keeps the bytes until more arrive); malformed input throws a
/// <see cref="RedisProtocolException"/> naming what was wrong, never loops or waits.
/// </summary>
internal static class RespParser
{
    /// <summary>Longest header or simple line accepted before the stream is declared malformed.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>Redis' own proto-max-bulk-len default.</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Nesting limit for aggregates; far above anything Redis sends, low enough to never overflow the stack.</summary>
    public const int MaxDepth = 64;

    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    /// <summary>
    /// Reads one complete reply from <paramref name="reader"/>. Returns false (with the reader in an unspecified
    /// position) when the buffer ends before the reply does.
    /// </summary>
    public static bool TryParse(ref SequenceReader<byte> reader, out RedisReply reply) =>
        TryParse(ref reader, out reply!, 0);

    private static bool TryParse(ref SequenceReader<byte> reader, out RedisReply? reply, int depth)
    {
        reply = null;
        if (depth > MaxDepth)
        {
            throw new RedisProtocolException($"Malformed reply: aggregates nested deeper than {MaxDepth} levels.");
        }

        if (!reader.TryRead(out var type))
        {
            return false;
        }

        switch (type)
        {
            case (byte)'+':
            {
                if (!TryReadLine(ref reader, out var line, "simple string"))
                {
                    return false;
                }

                reply = RedisReply.SimpleString(DecodeLine(line));
                return true;
            }

            case (byte)'-':
            {
                if (!TryReadLine(ref reader, out var line, "error"))
                {
                    return false;
                }

                reply = RedisReply.Error(DecodeLine(line));
                return true;
            }

            case (byte)':':
            {
                if (!TryReadInteger(ref reader, out var value, "integer"))
                {
                    return false;
                }

                reply = RedisReply.Integer(value);
                return true;
            }

            case (byte)'$':
                return TryReadBulk(ref reader, out reply, "bulk string", static bytes => RedisReply.Bulk(bytes));

            case (byte)'!':
                return TryReadBulk(ref reader, out reply, "blob error", static bytes => RedisReply.Error(Encoding.UTF8.GetString(bytes)));

            case (byte)'=':
                return TryReadBulk(ref reader, out reply, "verbatim string", static bytes =>
                {
                    if (bytes.Length < 4 || bytes[3] != (byte)':')
                    {
                        throw new RedisProtocolException(
                            $"Malformed reply: verbatim string does not start with a three-letter format and ':' (got \"{Preview(bytes)}\").");
                    }

                    return RedisReply.Verbatim(Encoding.ASCII.GetString(bytes, 0, 3), bytes[4..]);
                });

            case (byte)'*':
                return TryReadAggregate(ref reader, out reply, RedisReplyKind.Array, "array", 1, depth);

            case (byte)'%':
                return TryReadAggregate(ref reader, out reply, RedisReplyKind.Map, "map", 2, depth);

            case (byte)'~':
                return TryReadAggregate(ref reader, out reply, RedisReplyKind.Set, "set", 1, depth);

            case (byte)'>':
                return TryReadAggregate(ref reader, out reply, RedisReplyKind.Push, "push", 1, depth);

            case (byte)'|':
            {
                if (!TryReadAggregate(ref reader, out var attributes, RedisReplyKind.Map, "attribute", 2, depth))
                {
                    return false;
                }

                if (!TryParse(ref reader, out var inner, depth + 1))
                {
                    return false;
                }

                reply = inner!.WithAttributes(attributes!);
                return true;
            }

            case (byte)'_':
            {
                if (!TryReadLine(ref reader, out var line, "null"))
                {
                    return false;
                }

                if (!line.IsEmpty)
                {
                    throw new RedisProtocolException($"Malformed reply: RESP3 null '_' followed by \"{Preview(line)}\" instead of CRLF.");
                }

                reply = RedisReply.Null;
                return true;
            }

            case (byte)'#':
            {
                if (!TryReadLine(ref reader, out var line, "boolean"))
                {
                    return false;
                }

                var text = DecodeLine(line);
                reply = text switch
                {
                    "t" => RedisReply.True,
                    "f" => RedisReply.False,
                    _ => throw new RedisProtocolException($"Malformed reply: boolean must be 't' or 'f', got \"{Escape(text)}\"."),
                };
                return true;
            }

            case (byte)',':
            {
                if (!TryReadLine(ref reader, out var line, "double"))
                {
                    return false;
                }

                var text = DecodeLine(line);
                try
                {
                    reply = RedisReply.Double(RedisValue.ParseDouble(text));
                }
                catch (FormatException)
                {
                    throw new RedisProtocolException($"Malformed reply: \"{Escape(text)}\" is not a valid double.");
                }

                return true;
            }

            case (byte)'(':
            {
                if (!TryReadLine(ref reader, out var line, "big number"))
                {
                    return false;
                }

                var text = DecodeLine(line);
                var digits = text.StartsWith('-') || text.StartsWith('+') ? text.AsSpan(1) : text.AsSpan();
                if (digits.IsEmpty || digits.ContainsAnyExcept("0123456789"))
                {
                    throw new RedisProtocolException($"Malformed reply: \"{Escape(text)}\" is not a valid big number.");
                }

                reply = RedisReply.BigNumber(text);
                return true;
            }

            default:
                throw new RedisProtocolException(
                    $"Malformed reply: unknown RESP type byte 0x{type:X2} ('{Escape(((char)type).ToString())}') at the start of a reply.");
        }
    }

    private static bool TryReadAggregate(
        ref SequenceReader<byte> reader, out RedisReply? reply, RedisReplyKind kind, string what, int multiplier, int depth)
    {
        reply = null;
        if (!TryReadLength(ref reader, out var count, what))
        {
            return false;
        }

        if (count == -1 && kind == RedisReplyKind.Array)
        {
            reply = RedisReply.Null;
            return true;
        }

        if (count < 0 || count > int.MaxValue / 2)
        {
            throw new RedisProtocolException($"Malformed reply: invalid {what} length {count}.");
        }

        var total = (int)count * multiplier;

        // Each element takes at least three bytes; refuse to allocate for elements that have not arrived yet.
        if (reader.Remaining < (long)total * 3)
        {
            return false;
        }

        var elements = total == 0 ? [] : new RedisReply[total];
        for (var i = 0; i < total; i++)
        {
            if (!TryParse(ref reader, out var element, depth + 1))
            {
                return false;
            }

            elements[i] = element!;
        }

        reply = RedisReply.Aggregate(kind, elements);
        return true;
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, out RedisReply? reply, string what, Func<byte[], RedisReply> create)
    {
        reply = null;
        if (!TryReadLength(ref reader, out var length, what))
        {
            return false;
        }

        if (length == -1)
        {
            reply = RedisReply.Null;
            return true;
        }

        if (length < 0 || length > MaxBulkLength)
        {
            throw new RedisProtocolException($"Malformed reply: invalid {what} length {length}.");
        }

        if (reader.Remaining < length + 2)
        {
            return false;
        }

        var bytes = length == 0 ? [] : new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext(CrLf, advancePast: true))
        {
            reader.TryPeek(out var next);
            throw new RedisProtocolException(
                $"Malformed reply: {what} of {length} bytes is not followed by CRLF (found 0x{next:X2} where '\\r' was expected).");
        }

        reply = create(bytes);
        return true;
    }

    private static bool TryReadLength(ref SequenceReader<byte> reader, out long length, string what)
    {
        length = 0;
        if (!TryReadLine(ref reader, out var line, what + " header"))
        {
            return false;
        }

        if (line.Length == 1 && line.FirstSpan[0] == (byte)'?')
        {
            throw new RedisProtocolException($"Malformed reply: streamed RESP3 {what}s ('?' length) are not supported.");
        }

        if (!TryParseInt64(line, out length))
        {
            throw new RedisProtocolException($"Malformed reply: {what} length \"{Preview(line)}\" is not an integer.");
        }

        return true;
    }

    private static bool TryReadInteger(ref SequenceReader<byte> reader, out long value, string what)
    {
        value = 0;
        if (!TryReadLine(ref reader, out var line, what))
        {
            return false;
        }

        if (!TryParseInt64(line, out value))
        {
            throw new RedisProtocolException($"Malformed reply: {what} \"{Preview(line)}\" is not a 64-bit integer.");
        }

        return true;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line, string what)
    {
        if (reader.TryReadTo(out line, CrLf, advancePastDelimiter: true))
        {
            if (line.Length > MaxLineLength)
            {
                throw new RedisProtocolException($"Malformed reply: {what} line longer than {MaxLineLength} bytes.");
            }

            return true;
        }

        if (reader.Remaining > MaxLineLength)
        {
            throw new RedisProtocolException($"Malformed reply: no CRLF within {MaxLineLength} bytes after a {what} type byte.");
        }

        return false;
    }

    private static bool TryParseInt64(ReadOnlySequence<byte> line, out long value)
    {
        value = 0;
        if (line.IsEmpty || line.Length > 20)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[20];
        line.CopyTo(buffer);
        var span = buffer[..(int)line.Length];
        return Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length;
    }

    private static string DecodeLine(ReadOnlySequence<byte> line) =>
        line.IsSingleSegment ? Encoding.UTF8.GetString(line.FirstSpan) : Encoding.UTF8.GetString(line.ToArray());

    internal static string Preview(ReadOnlySequence<byte> bytes) =>
        Preview(bytes.Slice(0, Math.Min(bytes.Length, 40)).ToArray());

    internal static string Preview(byte[] bytes) =>
        Escape(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 40))) + (bytes.Length > 40 ? "..." : string.Empty);

    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\r' => sb.Append("\\r"),
                '\n' => sb.Append("\\n"),
                _ when char.IsControl(c) => sb.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }
}
