using System.Globalization;

namespace Granary;

/// <summary>
/// The identity of a grain: its grain type (the implementation's type name, see <see cref="GrainTypeAttribute"/>)
/// and its key in text form (Guid keys in "N" format, integer keys in invariant decimal). Two references with the
/// same <see cref="GrainId"/> address the same virtual grain.
/// </summary>
public readonly struct GrainId : IEquatable<GrainId>, IComparable<GrainId>
{
    private readonly int _hash;

    /// <summary>Creates an id; both parts must be non-empty.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        _hash = StableHash.Combine(StableHash.Of(type), StableHash.Of(key));
    }

    /// <summary>The grain type name.</summary>
    public string Type { get; }

    /// <summary>The key in text form.</summary>
    public string Key { get; }

    /// <summary>True for the default (empty) value.</summary>
    public bool IsDefault => Type is null;

    /// <summary>A hash that is the same in every process (used by hash-based placement).</summary>
    public uint StableHashCode => (uint)_hash;

    public static GrainId Create(string type, Guid key) => new(type, key.ToString("N"));

    public static GrainId Create(string type, long key) => new(type, key.ToString(CultureInfo.InvariantCulture));

    public bool Equals(GrainId other) => _hash == other._hash && string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    public override int GetHashCode() => _hash;

    public int CompareTo(GrainId other)
    {
        var c = string.CompareOrdinal(Type, other.Type);
        return c != 0 ? c : string.CompareOrdinal(Key, other.Key);
    }

    public override string ToString() => $"{Type}/{Key}";

    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);

    public static bool operator <(GrainId left, GrainId right) => left.CompareTo(right) < 0;

    public static bool operator >(GrainId left, GrainId right) => left.CompareTo(right) > 0;

    public static bool operator <=(GrainId left, GrainId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(GrainId left, GrainId right) => left.CompareTo(right) >= 0;
}
