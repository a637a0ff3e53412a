namespace Granary.Docker;

/// <summary>One entry of a container listing: enough to find a container and tell whether it runs.</summary>
public sealed record ContainerSummary
{
    /// <summary>The full container id.</summary>
    public required string Id { get; init; }

    /// <summary>The container's names without the engine's leading slash.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>The image reference the container was created from.</summary>
    public required string Image { get; init; }

    /// <summary>The engine's state word (created, running, exited, ...).</summary>
    public required string State { get; init; }

    /// <summary>The engine's human-readable status (for example <c>Exited (3) 2 seconds ago</c>).</summary>
    public required string Status { get; init; }

    /// <summary>The labels the container carries.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
}
