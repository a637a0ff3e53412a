using System.Diagnostics.CodeAnalysis;

namespace Granary.Grains.Identity;

/// <summary>
/// A physical function or resource instance: the node it runs on and its component id, two UUIDs as in EDGELESS.
/// In WebAssembly memory it is 32 bytes, node id then component id, each UUID in RFC 4122 (big-endian) byte order,
/// the order of its text form: <c>00112233-4455-...</c> is written 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, ...
/// </summary>
/// <param name="NodeId">The node hosting the instance.</param>
/// <param name="ComponentId">The instance's own id, unique across nodes.</param>
[GenerateSerializer]
[Immutable]
public readonly record struct InstanceId([property: Id(0)] Guid NodeId, [property: Id(1)] Guid ComponentId) : ISpanParsable<InstanceId>
{
    /// <summary>Bytes of one UUID in the ABI.</summary>
    public const int UuidSize = 16;

    /// <summary>Bytes of an instance id in the ABI: node id then component id.</summary>
    public const int Size = 2 * UuidSize;

    /// <summary>A new instance id on <paramref name="nodeId"/> with a fresh random component id.</summary>
    public static InstanceId NewOn(Guid nodeId) => new(nodeId, Guid.NewGuid());

    /// <summary>Writes the 32-byte ABI layout into <paramref name="destination"/>, which must hold at least <see cref="Size"/> bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"An instance id needs {Size} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        WriteUuid(NodeId, destination[..UuidSize]);
        WriteUuid(ComponentId, destination[UuidSize..Size]);
    }

    /// <summary>The 32-byte ABI layout as a new array.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Reads the 32-byte ABI layout (node id, then component id); <paramref name="source"/> must be exactly <see cref="Size"/> bytes.</summary>
    public static InstanceId FromBytes(ReadOnlySpan<byte> source)
    {
        if (source.Length != Size)
        {
            throw new ArgumentException($"An instance id is {Size} bytes; found {source.Length}.", nameof(source));
        }

        return new InstanceId(ReadUuid(source[..UuidSize]), ReadUuid(source[UuidSize..]));
    }

    /// <summary>Reads one UUID the way the ABI lays it out (big-endian, as in <c>slf_asm</c> and <c>cast_raw_asm</c>).</summary>
    public static Guid ReadUuid(ReadOnlySpan<byte> source) => new(source[..UuidSize], bigEndian: true);

    /// <summary>Writes one UUID the way the ABI lays it out (big-endian).</summary>
    public static void WriteUuid(Guid uuid, Span<byte> destination)
    {
        if (!uuid.TryWriteBytes(destination, bigEndian: true, out _))
        {
            throw new ArgumentException($"A UUID needs {UuidSize} bytes; the destination has {destination.Length}.", nameof(destination));
        }
    }

    /// <summary>The node id and the component id, both in the standard UUID text form, joined by <c>/</c>.</summary>
    public override string ToString() => $"{NodeId:D}/{ComponentId:D}";

    /// <summary>Parses the form written by <see cref="ToString"/>.</summary>
    public static InstanceId Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var id) ? id : throw new FormatException($"'{s}' is not an instance id (NODE-UUID/COMPONENT-UUID).");

    /// <summary>Parses the form written by <see cref="ToString"/>.</summary>
    public static InstanceId Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var id) ? id : throw new FormatException($"'{s}' is not an instance id (NODE-UUID/COMPONENT-UUID).");

    /// <summary>Parses the form written by <see cref="ToString"/>; false on any other text.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out InstanceId result) =>
        TryParse(s.AsSpan(), provider, out result);

    /// <summary>Parses the form written by <see cref="ToString"/>; false on any other text.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out InstanceId result)
    {
        result = default;
        var slash = s.IndexOf('/');
        if (slash < 0 || !Guid.TryParse(s[..slash], out var node) || !Guid.TryParse(s[(slash + 1)..], out var component))
        {
            return false;
        }

        result = new InstanceId(node, component);
        return true;
    }
}
