using Granary.Invocation;

namespace Granary.Serialization;

/// <summary>A grain reference travels as its grain id and interface id; the receiver binds it to its own runtime.</summary>
internal sealed class GrainReferenceCodec<T> : IFieldCodec<T>
{
    public void Write(GrainWriter writer, T value)
    {
        if (value is not GrainReference reference)
        {
            throw new SerializationException($"A value of grain interface type {typeof(T)} must be a grain reference obtained from a grain factory, not a {value?.GetType()}.");
        }

        Codec<GrainId>.Write(writer, reference.GrainId);
        writer.WriteVarInt32(GrainInterfaceRegistry.GetInterfaceId(reference.InterfaceType));
    }

    public T Read(GrainReader reader)
    {
        var grainId = Codec<GrainId>.Read(reader);
        var interfaceId = reader.ReadVarInt32();
        var activator = reader.ReferenceActivator
            ?? throw new SerializationException($"Cannot read a reference to {grainId}: no grain runtime is available here.");
        var interfaceType = GrainInterfaceRegistry.TryGetInterface(interfaceId, out var found) ? found! : typeof(T);
        return (T)activator.CreateReference(interfaceType, grainId);
    }
}
