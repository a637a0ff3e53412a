namespace Granary.Serialization;

/// <summary>Payload codec for a type known only at run time (polymorphic values).</summary>
public interface IUntypedCodec
{
    void WriteObject(GrainWriter writer, object value);

    object? ReadObject(GrainReader reader);
}
