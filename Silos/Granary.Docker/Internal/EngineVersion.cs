using System.Text.Json.Serialization;

namespace Granary.Docker.Internal;

/// <summary>The answer of <c>GET /version</c>.</summary>
internal sealed class EngineVersion
{
    public string? Version { get; set; }

    public string? ApiVersion { get; set; }

    [JsonPropertyName("MinAPIVersion")]
    public string? MinApiVersion { get; set; }

    public string? Os { get; set; }

    public string? Arch { get; set; }

    public string? KernelVersion { get; set; }
}
