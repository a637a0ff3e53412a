using System.Globalization;
using System.Text;

namespace Granary.Redis;

/// <summary>
/// One reply from the server, of any RESP2 or RESP3 type, as a tree: scalars carry their value, aggregates
/// (array, map, set, push) their <see cref="Elements"/>. RESP3 attributes sent before a reply are kept in
/// <see cref="Attributes"/>. Replies are immutable.
/// </summary>
public sealed class RedisReply
{
    private static readonly RedisReply[] NoElements = [];
    private static readonly RedisReply[] SmallIntegers = CreateSmallIntegers();

    private readonly object? _object;
    private readonly long _integer;
    private readonly double _double;

    private RedisReply(RedisReplyKind kind, object? obj, long integer = 0, double dbl = 0, string? format = null)
    {
        Kind = kind;
        _object = obj;
        _integer = integer;
        _double = dbl;
        VerbatimFormat = format;
    }

    /// <summary>The shared nil reply.</summary>
    public static RedisReply Null { get; } = new(RedisReplyKind.Null, null);

    /// <summary>The shared <c>+OK</c> reply.</summary>
    public static RedisReply Ok { get; } = new(RedisReplyKind.SimpleString, "OK");

    internal static RedisReply Queued { get; } = new(RedisReplyKind.SimpleString, "QUEUED");

    internal static RedisReply Pong { get; } = new(RedisReplyKind.SimpleString, "PONG");

    internal static RedisReply True { get; } = new(RedisReplyKind.Boolean, null, 1);

    internal static RedisReply False { get; } = new(RedisReplyKind.Boolean, null, 0);

    internal static RedisReply EmptyArray { get; } = new(RedisReplyKind.Array, NoElements);

    /// <summary>The RESP type of this reply.</summary>
    public RedisReplyKind Kind { get; }

    /// <summary>For a verbatim string, its three-letter format (<c>txt</c>, <c>mkd</c>); otherwise null.</summary>
    public string? VerbatimFormat { get; }

    /// <summary>RESP3 attributes (<c>|</c>) the server sent just before this reply, as a map reply; usually null.</summary>
    public RedisReply? Attributes { get; private init; }

    /// <summary>True for a nil reply.</summary>
    public bool IsNull => Kind == RedisReplyKind.Null;

    /// <summary>True for an error reply; its text is <see cref="ErrorMessage"/>.</summary>
    public bool IsError => Kind == RedisReplyKind.Error;

    /// <summary>True for array, map, set and push replies, which have <see cref="Elements"/>.</summary>
    public bool IsAggregate => _object is RedisReply[];

    /// <summary>The error text of an error reply, otherwise null.</summary>
    public string? ErrorMessage => Kind == RedisReplyKind.Error ? (string)_object! : null;

    /// <summary>
    /// The elements of an aggregate reply (for a map: key, value, key, value...); empty for scalars and nil.
    /// </summary>
    public IReadOnlyList<RedisReply> Elements => _object as RedisReply[] ?? NoElements;

    internal RedisReply[] ElementArray => _object as RedisReply[] ?? NoElements;

    /// <summary>The number of elements of an aggregate reply (a map counts keys and values).</summary>
    public int Count => ElementArray.Length;

    /// <summary>Element <paramref name="index"/> of an aggregate reply.</summary>
    public RedisReply this[int index] => ElementArray[index];

    internal static RedisReply SimpleString(string text) => text switch
    {
        "OK" => Ok,
        "QUEUED" => Queued,
        "PONG" => Pong,
        _ => new RedisReply(RedisReplyKind.SimpleString, text),
    };

    internal static RedisReply Error(string text) => new(RedisReplyKind.Error, text);

    internal static RedisReply Integer(long value) =>
        value is >= -1 and < 255 ? SmallIntegers[value + 1] : new RedisReply(RedisReplyKind.Integer, null, value);

    internal static RedisReply Bulk(byte[] bytes) => new(RedisReplyKind.BulkString, bytes);

    internal static RedisReply Verbatim(string format, byte[] bytes) => new(RedisReplyKind.VerbatimString, bytes, format: format);

    internal static RedisReply Double(double value) => new(RedisReplyKind.Double, null, 0, value);

    internal static RedisReply BigNumber(string digits) => new(RedisReplyKind.BigNumber, digits);

    internal static RedisReply Aggregate(RedisReplyKind kind, RedisReply[] elements) =>
        elements.Length == 0 && kind == RedisReplyKind.Array ? EmptyArray : new RedisReply(kind, elements);

    internal RedisReply WithAttributes(RedisReply attributes) =>
        new(Kind, _object, _integer, _double, VerbatimFormat) { Attributes = attributes };

    /// <summary>
    /// The reply as a scalar <see cref="RedisValue"/>: strings and bulk strings as text/bytes, integers, doubles,
    /// booleans as 1/0, nil as <see cref="RedisValue.Null"/>. Throws <see cref="InvalidCastException"/> for
    /// aggregates and for error replies (the message carries the error text).
    /// </summary>
    public RedisValue ToValue() => Kind switch
    {
        RedisReplyKind.Null => RedisValue.Null,
        RedisReplyKind.SimpleString or RedisReplyKind.BigNumber => (string)_object!,
        RedisReplyKind.BulkString or RedisReplyKind.VerbatimString => (byte[])_object!,
        RedisReplyKind.Integer or RedisReplyKind.Boolean => _integer,
        RedisReplyKind.Double => _double,
        RedisReplyKind.Error => throw new InvalidCastException($"The reply is an error: {_object}"),
        _ => throw new InvalidCastException($"A {Kind} reply is not a scalar value."),
    };

    /// <summary>The reply as text (null for nil); aggregates and errors throw <see cref="InvalidCastException"/>.</summary>
    public string? AsString() => ToValue().ToString();

    /// <summary>The reply's bytes (null for nil); aggregates and errors throw <see cref="InvalidCastException"/>.</summary>
    public byte[]? AsBytes() => ToValue().ToByteArray();

    /// <summary>The reply as a 64-bit integer (integers, booleans, numeric strings).</summary>
    public long AsInt64() => Kind is RedisReplyKind.Integer or RedisReplyKind.Boolean ? _integer : ToValue().ToInt64();

    /// <summary>The reply as a double (RESP3 doubles, integers, numeric strings).</summary>
    public double AsDouble() => Kind switch
    {
        RedisReplyKind.Double => _double,
        RedisReplyKind.Integer => _integer,
        _ => ToValue().ToDouble(),
    };

    /// <summary>
    /// The reply as a boolean: RESP3 booleans, integers (non-zero is true) and <c>+OK</c> are accepted; nil is false.
    /// </summary>
    public bool AsBoolean() => Kind switch
    {
        RedisReplyKind.Boolean or RedisReplyKind.Integer => _integer != 0,
        RedisReplyKind.Null => false,
        RedisReplyKind.SimpleString => true,
        _ => ToValue().ToInt64() != 0,
    };

    /// <summary>A readable rendering for logs and test messages, RESP type included.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Render(sb, 0);
        return sb.ToString();
    }

    private void Render(StringBuilder sb, int depth)
    {
        switch (Kind)
        {
            case RedisReplyKind.Null:
                sb.Append("(nil)");
                break;
            case RedisReplyKind.Error:
                sb.Append("(error) ").Append((string)_object!);
                break;
            case RedisReplyKind.Integer:
                sb.Append("(integer) ").Append(_integer.ToString(CultureInfo.InvariantCulture));
                break;
            case RedisReplyKind.Boolean:
                sb.Append(_integer != 0 ? "(true)" : "(false)");
                break;
            case RedisReplyKind.Double:
                sb.Append("(double) ").Append(RedisValue.FormatDouble(_double));
                break;
            case RedisReplyKind.BigNumber:
                sb.Append("(big number) ").Append((string)_object!);
                break;
            case RedisReplyKind.SimpleString:
                sb.Append((string)_object!);
                break;
            case RedisReplyKind.BulkString:
            case RedisReplyKind.VerbatimString:
                sb.Append('"').Append(Encoding.UTF8.GetString((byte[])_object!)).Append('"');
                break;
            default:
                sb.Append('(').Append(Kind.ToString().ToLowerInvariant()).Append(") [");
                var elements = ElementArray;
                for (var i = 0; i < elements.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    if (depth > 8 || i >= 32)
                    {
                        sb.Append("...");
                        break;
                    }

                    elements[i].Render(sb, depth + 1);
                }

                sb.Append(']');
                break;
        }
    }

    private static RedisReply[] CreateSmallIntegers()
    {
        var cache = new RedisReply[256];
        for (var i = 0; i < cache.Length; i++)
        {
            cache[i] = new RedisReply(RedisReplyKind.Integer, null, i - 1);
        }

        return cache;
    }
}
