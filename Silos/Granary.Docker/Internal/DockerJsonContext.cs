using System.Text.Json.Serialization;

namespace Granary.Docker.Internal;

/// <summary>Source-generated serialization for the Engine API wire shapes; unset optional fields are left out of requests.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EngineError))]
[JsonSerializable(typeof(EngineVersion))]
[JsonSerializable(typeof(EngineContainerCreate))]
[JsonSerializable(typeof(EngineContainerCreated))]
[JsonSerializable(typeof(EngineContainerInspect))]
[JsonSerializable(typeof(List<EngineContainerSummary>))]
[JsonSerializable(typeof(EngineContainerWait))]
[JsonSerializable(typeof(EngineImage))]
[JsonSerializable(typeof(List<EngineImage>))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;
