namespace Granary.Docker;

/// <summary>A container's state and configuration as the engine reports it at the moment of inspection.</summary>
public sealed record ContainerInspection
{
    /// <summary>The full 64-hex-digit container id.</summary>
    public required string Id { get; init; }

    /// <summary>The container name without the engine's leading slash.</summary>
    public required string Name { get; init; }

    /// <summary>The image reference the container was created from, as given at creation.</summary>
    public required string Image { get; init; }

    /// <summary>The engine's state word: created, running, paused, restarting, removing, exited or dead.</summary>
    public required string Status { get; init; }

    /// <summary>True while the container's process runs (also when paused).</summary>
    public required bool Running { get; init; }

    /// <summary>The process's exit code once it has exited (128 + signal when killed by a signal, so 137 for SIGKILL); 0 before that.</summary>
    public required long ExitCode { get; init; }

    /// <summary>Host pid of the container's main process while it runs; 0 otherwise.</summary>
    public required int Pid { get; init; }

    /// <summary>True when the kernel's out-of-memory killer ended the process (the memory limit was hit).</summary>
    public required bool OomKilled { get; init; }

    /// <summary>The engine's error text when the container failed to start (for example an executable not found); empty otherwise.</summary>
    public required string Error { get; init; }

    /// <summary>The labels the container carries.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>The network mode from the host configuration (for Granary containers, <c>host</c>).</summary>
    public required string NetworkMode { get; init; }

    /// <summary>The CPU limit in 10^-9 CPUs; 0 means unlimited.</summary>
    public required long NanoCpus { get; init; }

    /// <summary>The memory limit in bytes; 0 means unlimited.</summary>
    public required long MemoryBytes { get; init; }

    /// <summary>Whether the engine removes the container on exit (Granary always creates it with this off).</summary>
    public required bool AutoRemove { get; init; }

    /// <summary>Whether the container has a TTY; without one its logs keep stdout and stderr apart.</summary>
    public required bool Tty { get; init; }
}
