using System.Text.Json;

namespace Granary.Serialization;

/// <summary>
/// Types with no generated or built-in codec travel as System.Text.Json (public properties). Mark hot types with
/// <see cref="GenerateSerializerAttribute"/> for a compact binary form.
/// </summary>
internal sealed class JsonFallbackCodec<T> : IFieldCodec<T>
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.General) { IncludeFields = true };

    public void Write(GrainWriter writer, T value) => writer.WriteBytes(JsonSerializer.SerializeToUtf8Bytes(value, s_options));

    public T Read(GrainReader reader)
    {
        var bytes = reader.ReadBytesAsMemory();
        try
        {
            return JsonSerializer.Deserialize<T>(bytes.Span, s_options)!;
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"Invalid JSON for {typeof(T)}: {ex.Message}", ex);
        }
    }
}
