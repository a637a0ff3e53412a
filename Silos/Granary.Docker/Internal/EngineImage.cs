namespace Granary.Docker.Internal;

/// <summary>One element of <c>GET /images/json</c> and the answer of <c>GET /images/{name}/json</c> (the fields both share, plus platform and configuration).</summary>
internal sealed class EngineImage
{
    public string Id { get; set; } = "";

    public List<string>? RepoTags { get; set; }

    public long Size { get; set; }

    public string? Os { get; set; }

    public string? Architecture { get; set; }

    /// <summary>Only in the inspect answer: the image's default configuration (labels among it).</summary>
    public EngineContainerConfig? Config { get; set; }
}
