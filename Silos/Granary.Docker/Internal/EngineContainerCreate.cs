namespace Granary.Docker.Internal;

/// <summary>The body of <c>POST /containers/create</c>.</summary>
internal sealed class EngineContainerCreate
{
    public required string Image { get; set; }

    public List<string>? Cmd { get; set; }

    public List<string>? Env { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public bool Tty { get; set; }

    public required EngineHostConfig HostConfig { get; set; }
}
