namespace Granary.Docker.Internal;

/// <summary>The host configuration of a container, sent on create and read back on inspect.</summary>
internal sealed class EngineHostConfig
{
    public string? NetworkMode { get; set; }

    public long NanoCpus { get; set; }

    public long Memory { get; set; }

    public bool AutoRemove { get; set; }
}
