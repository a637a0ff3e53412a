using System.Net;

namespace Granary.Runtime;

/// <summary>
/// Identifies one incarnation of a silo: its unique <see cref="Name"/>, the <see cref="Generation"/> of this start,
/// and the endpoint others dial, or null for a silo that only dials out (an edge node behind NAT). A restarted
/// silo has a new generation and is a different silo to the cluster.
/// </summary>
public sealed class SiloAddress : IEquatable<SiloAddress>, IComparable<SiloAddress>
{
    public SiloAddress(string name, IPEndPoint? endpoint, long generation)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Endpoint = endpoint;
        Generation = generation;
    }

    public string Name { get; }

    /// <summary>Where to connect to this silo; null when it accepts no connections and dials out instead.</summary>
    public IPEndPoint? Endpoint { get; }

    public long Generation { get; }

    public bool Equals(SiloAddress? other) => other is not null && Generation == other.Generation && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SiloAddress);

    public override int GetHashCode() => HashCode.Combine(Name, Generation);

    public int CompareTo(SiloAddress? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = string.CompareOrdinal(Name, other.Name);
        return c != 0 ? c : Generation.CompareTo(other.Generation);
    }

    public override string ToString() => $"{Name}@{(Endpoint is null ? "dial-out" : Endpoint.ToString())}#{Generation}";

    public static bool operator ==(SiloAddress? left, SiloAddress? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(SiloAddress? left, SiloAddress? right) => !(left == right);

    internal void Write(Serialization.GrainWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteNullableString(Endpoint?.ToString());
        writer.WriteVarInt64(Generation);
    }

    internal static SiloAddress Read(Serialization.GrainReader reader)
    {
        var name = reader.ReadString();
        var endpoint = reader.ReadNullableString();
        var generation = reader.ReadVarInt64();
        return new SiloAddress(name, endpoint is null ? null : IPEndPoint.Parse(endpoint), generation);
    }
}
