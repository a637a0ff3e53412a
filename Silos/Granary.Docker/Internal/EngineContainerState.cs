using System.Text.Json.Serialization;

namespace Granary.Docker.Internal;

/// <summary>The <c>State</c> object of a container inspection.</summary>
internal sealed class EngineContainerState
{
    public string? Status { get; set; }

    public bool Running { get; set; }

    public long ExitCode { get; set; }

    public int Pid { get; set; }

    [JsonPropertyName("OOMKilled")]
    public bool OomKilled { get; set; }

    public string? Error { get; set; }
}
