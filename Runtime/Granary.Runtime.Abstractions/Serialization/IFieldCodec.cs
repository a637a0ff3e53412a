namespace Granary.Serialization;

/// <summary>
/// Writes and reads the payload of one type (without null or type markers, which <see cref="Codec{T}"/> adds for
/// reference types). Implementations must be thread-safe and must read exactly what they wrote.
/// </summary>
public interface IFieldCodec<T>
{
    void Write(GrainWriter writer, T value);

    T Read(GrainReader reader);
}
