namespace Granary.Docker;

/// <summary>Settings for <see cref="DockerClient"/>: where the engine listens and how long a request may take.</summary>
public sealed class DockerClientOptions
{
    /// <summary>The socket the Docker Engine listens on when neither the options nor DOCKER_HOST name one.</summary>
    public const string DefaultSocketPath = "/var/run/docker.sock";

    /// <summary>
    /// Path of the engine's unix socket. When null, a <c>unix://</c> address in the DOCKER_HOST environment
    /// variable is used, and without one <see cref="DefaultSocketPath"/>. A DOCKER_HOST naming any other
    /// transport (tcp://, ssh://, npipe://) is refused when this is null, since the client speaks only to a unix socket.
    /// </summary>
    public string? SocketPath { get; set; }

    /// <summary>
    /// Longest time one request may take, from sending it to reading the whole answer. Waiting for a container
    /// to exit has no such limit (only the caller's token ends it); stopping a container gets this plus the
    /// stop timeout, since the engine answers only once the container is down.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
