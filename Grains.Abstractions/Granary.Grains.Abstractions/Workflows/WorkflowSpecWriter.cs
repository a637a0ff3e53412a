using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Granary.Grains.Workflows;

/// <summary>
/// Writes a <see cref="WorkflowSpec"/> as EDGELESS workflow JSON, with the EDGELESS field names in the EDGELESS
/// order. <c>code</c> is written as resolved (absolute file paths), so the output parses again from any directory.
/// </summary>
public static class WorkflowSpecWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON text of <paramref name="spec"/>; indented unless <paramref name="indented"/> is false.</summary>
    public static string ToJson(WorkflowSpec spec, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, indented ? Indented : Compact))
        {
            Write(writer, spec);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Writes <paramref name="spec"/> as one JSON object to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, WorkflowSpec spec)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(spec);
        writer.WriteStartObject();
        writer.WriteStartArray("functions");
        foreach (var function in spec.Functions)
        {
            writer.WriteStartObject();
            writer.WriteString("name", function.Name);
            var cls = function.ClassSpecification;
            writer.WriteStartObject("class_specification");
            writer.WriteString("id", cls.Id);
            writer.WriteString("function_type", cls.FunctionType.ToWireName());
            writer.WriteString("version", cls.Version);
            writer.WriteString("code", cls.Code);
            writer.WriteStartArray("outputs");
            foreach (var output in cls.Outputs)
            {
                writer.WriteStringValue(output);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            WriteMap(writer, "output_mapping", function.OutputMapping);
            WriteMap(writer, "annotations", function.Annotations);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("resources");
        foreach (var resource in spec.Resources)
        {
            writer.WriteStartObject();
            writer.WriteString("name", resource.Name);
            writer.WriteString("class_type", resource.ClassType);
            WriteMap(writer, "output_mapping", resource.OutputMapping);
            WriteMap(writer, "configurations", resource.Configurations);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteMap(writer, "annotations", spec.Annotations);
        writer.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
