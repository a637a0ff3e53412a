using Granary.Serialization;

namespace Granary.Runtime.Transport;

/// <summary>
/// The first frame each side sends on a new connection: magic, readable protocol versions, cluster id, and who the
/// peer is (a silo with its address, or a client with its id). A silo answering a client adds its grain manifest
/// (interface id to grain type) so the client can build grain ids without having the grain classes.
/// </summary>
internal sealed record Hello(byte MinVersion, byte MaxVersion, string ClusterId, SiloAddress? Silo, string? ClientId, IReadOnlyDictionary<int, string>? Manifest)
{
    private const uint Magic = 0x594E5247; // "GRNY"

    public void Write(GrainWriter writer)
    {
        writer.WriteInt32(unchecked((int)Magic));
        writer.WriteByte(MinVersion);
        writer.WriteByte(MaxVersion);
        writer.WriteString(ClusterId);
        writer.WriteBool(Silo is not null);
        Silo?.Write(writer);
        writer.WriteNullableString(ClientId);
        writer.WriteVarUInt32((uint)(Manifest?.Count ?? 0));
        foreach (var (id, type) in Manifest ?? new Dictionary<int, string>())
        {
            writer.WriteVarInt32(id);
            writer.WriteString(type);
        }
    }

    public static Hello Read(GrainReader reader)
    {
        if (unchecked((uint)reader.ReadInt32()) != Magic)
        {
            throw new SerializationException("The peer is not a Granary silo or client (bad handshake magic).");
        }

        var min = reader.ReadByte();
        var max = reader.ReadByte();
        var cluster = reader.ReadString();
        var silo = reader.ReadBool() ? SiloAddress.Read(reader) : null;
        var client = reader.ReadNullableString();
        var count = reader.ReadCount(2);
        Dictionary<int, string>? manifest = count > 0 ? new(count) : null;
        for (var i = 0; i < count; i++)
        {
            manifest![reader.ReadVarInt32()] = reader.ReadString();
        }

        return new Hello(min, max, cluster, silo, client, manifest);
    }
}
