namespace Granary.Docker;

/// <summary>One entry of an image listing.</summary>
public sealed record ImageSummary
{
    /// <summary>The image id (<c>sha256:...</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The repository:tag references naming the image; empty for an untagged image.</summary>
    public required IReadOnlyList<string> RepoTags { get; init; }

    /// <summary>The image size in bytes.</summary>
    public required long Size { get; init; }
}
