namespace Granary.Docker.Internal;

/// <summary>The <c>Config</c> object of a container inspection.</summary>
internal sealed class EngineContainerConfig
{
    public string? Image { get; set; }

    public bool Tty { get; set; }

    public Dictionary<string, string>? Labels { get; set; }
}
