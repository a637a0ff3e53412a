namespace Granary.Docker.Internal;

/// <summary>Decides which unix socket the client connects to.</summary>
internal static class DockerSocketPath
{
    private const string UnixScheme = "unix://";

    /// <summary>
    /// The configured path wins; otherwise a <c>unix://</c> DOCKER_HOST; otherwise the default socket. A
    /// DOCKER_HOST with another scheme is refused rather than silently ignored, since the user meant another engine.
    /// </summary>
    public static string Resolve(string? configuredPath, string? dockerHost)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return configuredPath;
        }

        if (string.IsNullOrWhiteSpace(dockerHost))
        {
            return DockerClientOptions.DefaultSocketPath;
        }

        if (!dockerHost.StartsWith(UnixScheme, StringComparison.Ordinal) || dockerHost.Length == UnixScheme.Length)
        {
            throw new NotSupportedException(
                $"DOCKER_HOST={dockerHost} is not supported: Granary's Docker client speaks only to a unix socket (unix:///path); set DockerClientOptions.SocketPath to override DOCKER_HOST");
        }

        return dockerHost[UnixScheme.Length..];
    }
}
