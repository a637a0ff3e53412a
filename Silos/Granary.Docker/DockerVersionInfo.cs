namespace Granary.Docker;

/// <summary>The engine's own description of itself, from <c>GET /version</c>.</summary>
public sealed record DockerVersionInfo
{
    /// <summary>The engine release (for example <c>20.10.24+dfsg1</c>).</summary>
    public required string Version { get; init; }

    /// <summary>The highest Engine API version the engine speaks.</summary>
    public required Version ApiVersion { get; init; }

    /// <summary>The lowest Engine API version the engine still accepts.</summary>
    public required Version MinApiVersion { get; init; }

    /// <summary>The engine's operating system (for example <c>linux</c>).</summary>
    public required string Os { get; init; }

    /// <summary>The engine's CPU architecture (for example <c>amd64</c>).</summary>
    public required string Arch { get; init; }

    /// <summary>The host kernel version.</summary>
    public required string KernelVersion { get; init; }
}
