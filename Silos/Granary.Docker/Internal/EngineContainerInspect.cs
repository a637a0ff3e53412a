namespace Granary.Docker.Internal;

/// <summary>The answer of <c>GET /containers/{id}/json</c>.</summary>
internal sealed class EngineContainerInspect
{
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public EngineContainerState? State { get; set; }

    public EngineContainerConfig? Config { get; set; }

    public EngineHostConfig? HostConfig { get; set; }
}
