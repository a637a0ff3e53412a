using System.Globalization;
using System.Text;

namespace Granary.Redis;

/// <summary>
/// A scalar Redis value: a command argument or a bulk/simple string, integer or double from a reply. It holds a
/// string, a byte array, a 64-bit integer, a double or nothing (<see cref="Null"/>) without boxing; strings are
/// sent as UTF-8. Conversions between the forms follow Redis: everything is a byte string on the wire.
/// </summary>
public readonly struct RedisValue : IEquatable<RedisValue>
{
    private readonly object? _object;
    private readonly long _int64;
    private readonly double _double;
    private readonly RedisValueKind _kind;

    private RedisValue(RedisValueKind kind, object? obj, long int64, double dbl)
    {
        _kind = kind;
        _object = obj;
        _int64 = int64;
        _double = dbl;
    }

    /// <summary>The absent value (a nil bulk string, a missing key or field).</summary>
    public static RedisValue Null => default;

    /// <summary>The empty string, which is not <see cref="Null"/>.</summary>
    public static RedisValue EmptyString { get; } = new(RedisValueKind.String, string.Empty, 0, 0);

    /// <summary>True when the value is absent (nil).</summary>
    public bool IsNull => _kind == RedisValueKind.Null;

    /// <summary>True when the value is present (not nil).</summary>
    public bool HasValue => _kind != RedisValueKind.Null;

    internal RedisValueKind Kind => _kind;

    internal object? RawObject => _object;

    internal long RawInt64 => _int64;

    internal double RawDouble => _double;

    /// <summary>A value holding <paramref name="value"/>, or <see cref="Null"/> when it is null.</summary>
    public static implicit operator RedisValue(string? value) =>
        value is null ? Null : new(RedisValueKind.String, value, 0, 0);

    /// <summary>A value holding <paramref name="value"/> (not copied), or <see cref="Null"/> when it is null.</summary>
    public static implicit operator RedisValue(byte[]? value) =>
        value is null ? Null : new(RedisValueKind.Bytes, value, 0, 0);

    /// <summary>A value holding the integer <paramref name="value"/>, sent as its decimal text.</summary>
    public static implicit operator RedisValue(long value) => new(RedisValueKind.Int64, null, value, 0);

    /// <summary>A value holding the integer <paramref name="value"/>, sent as its decimal text.</summary>
    public static implicit operator RedisValue(int value) => new(RedisValueKind.Int64, null, value, 0);

    /// <summary>A value holding <paramref name="value"/>, sent in round-trip form (<c>inf</c>/<c>-inf</c> for infinities).</summary>
    public static implicit operator RedisValue(double value) => new(RedisValueKind.Double, null, 0, value);

    /// <summary>The value as text (UTF-8 decoded), or null when <see cref="IsNull"/>.</summary>
    public static explicit operator string?(RedisValue value) => value.ToString();

    /// <summary>The value parsed as a 64-bit integer; throws <see cref="FormatException"/> when it is not one.</summary>
    public static explicit operator long(RedisValue value) => value.ToInt64();

    /// <summary>The value parsed as a double; throws <see cref="FormatException"/> when it is not one.</summary>
    public static explicit operator double(RedisValue value) => value.ToDouble();

    /// <summary>Creates a value from a byte array (not copied).</summary>
    public static RedisValue FromBytes(byte[] bytes) => bytes;

    /// <summary>The text form of the value (UTF-8 decoded for bytes), or null when <see cref="IsNull"/>.</summary>
    public override string? ToString() => _kind switch
    {
        RedisValueKind.Null => null,
        RedisValueKind.String => (string)_object!,
        RedisValueKind.Bytes => Encoding.UTF8.GetString((byte[])_object!),
        RedisValueKind.Int64 => _int64.ToString(CultureInfo.InvariantCulture),
        RedisValueKind.Double => FormatDouble(_double),
        _ => null,
    };

    /// <summary>The bytes sent on the wire for this value, or null when <see cref="IsNull"/>.</summary>
    public byte[]? ToByteArray() => _kind switch
    {
        RedisValueKind.Null => null,
        RedisValueKind.Bytes => (byte[])_object!,
        _ => Encoding.UTF8.GetBytes(ToString()!),
    };

    /// <summary>The value parsed as a 64-bit integer; throws <see cref="FormatException"/> when it is not one or is null.</summary>
    public long ToInt64()
    {
        if (_kind == RedisValueKind.Int64)
        {
            return _int64;
        }

        var text = ToString() ?? throw new FormatException("The Redis value is null, not an integer.");
        return long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>The value parsed as a double (accepting <c>inf</c>, <c>-inf</c>, <c>nan</c>); throws <see cref="FormatException"/> otherwise.</summary>
    public double ToDouble()
    {
        switch (_kind)
        {
            case RedisValueKind.Double:
                return _double;
            case RedisValueKind.Int64:
                return _int64;
        }

        var text = ToString() ?? throw new FormatException("The Redis value is null, not a number.");
        return ParseDouble(text);
    }

    /// <inheritdoc/>
    public bool Equals(RedisValue other)
    {
        if (_kind == RedisValueKind.Null || other._kind == RedisValueKind.Null)
        {
            return _kind == other._kind;
        }

        if (_kind == other._kind)
        {
            return _kind switch
            {
                RedisValueKind.String => string.Equals((string)_object!, (string)other._object!, StringComparison.Ordinal),
                RedisValueKind.Int64 => _int64 == other._int64,
                RedisValueKind.Double => _double.Equals(other._double),
                _ => ((byte[])_object!).AsSpan().SequenceEqual((byte[])other._object!),
            };
        }

        return ToByteArray().AsSpan().SequenceEqual(other.ToByteArray());
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RedisValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (IsNull)
        {
            return 0;
        }

        var hash = default(HashCode);
        hash.AddBytes(ToByteArray());
        return hash.ToHashCode();
    }

    /// <summary>Value equality on the wire bytes.</summary>
    public static bool operator ==(RedisValue left, RedisValue right) => left.Equals(right);

    /// <summary>Value inequality on the wire bytes.</summary>
    public static bool operator !=(RedisValue left, RedisValue right) => !left.Equals(right);

    internal static string FormatDouble(double value) =>
        double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    internal static double ParseDouble(string text) => text switch
    {
        "inf" or "+inf" or "Infinity" => double.PositiveInfinity,
        "-inf" or "-Infinity" => double.NegativeInfinity,
        "nan" or "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
