namespace Granary.Docker;

/// <summary>
/// What a new container runs and the limits it runs under. The container never removes itself
/// (auto-remove is off) so that its exit code and logs stay readable until Granary removes it.
/// </summary>
public sealed record ContainerCreateParameters
{
    /// <summary>The image reference (for example <c>granary/fn:1.2</c>). It must already be on the node: nothing is pulled.</summary>
    public required string Image { get; init; }

    /// <summary>Container name; null lets the engine choose one. Names are unique per engine: a taken name fails with 409.</summary>
    public string? Name { get; init; }

    /// <summary>The command and its arguments; null or empty runs the image's default command.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Environment variables given to the process, in addition to the image's own.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Labels attached to the container; <see cref="ContainerListOptions.Labels"/> finds containers by them.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>
    /// The network mode; defaults to <c>host</c>, the only mode Granary nodes use (dockerd runs without a bridge),
    /// so a function in a container reaches the node on 127.0.0.1.
    /// </summary>
    public string NetworkMode { get; init; } = "host";

    /// <summary>CPU limit in units of 10^-9 CPUs (1_000_000_000 = one full core); null means unlimited.</summary>
    public long? NanoCpus { get; init; }

    /// <summary>Memory limit in bytes; null means unlimited. A process exceeding it is killed and inspect shows OOMKilled.</summary>
    public long? MemoryBytes { get; init; }
}
