namespace Granary.Docker;

/// <summary>An image present on the node, as the engine describes it.</summary>
public sealed record ImageInspection
{
    /// <summary>The image id (<c>sha256:...</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The repository:tag references naming the image.</summary>
    public required IReadOnlyList<string> RepoTags { get; init; }

    /// <summary>The image size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>The operating system the image is built for (for example <c>linux</c>).</summary>
    public required string Os { get; init; }

    /// <summary>The CPU architecture the image is built for (for example <c>amd64</c>).</summary>
    public required string Architecture { get; init; }

    /// <summary>The labels the image carries (set with <c>LABEL</c> or <c>docker import --change 'LABEL k=v'</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
