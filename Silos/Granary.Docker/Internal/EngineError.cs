using System.Text.Json.Serialization;

namespace Granary.Docker.Internal;

/// <summary>The body of an engine error answer.</summary>
internal sealed class EngineError
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
