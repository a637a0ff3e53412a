using Microsoft.Extensions.Logging;

namespace Granary.Docker.Internal;

/// <summary>The client's log messages.</summary>
internal static partial class DockerClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Docker Engine {EngineVersion} at unix://{SocketPath} speaks API up to {EngineApiVersion}; using {ApiVersion}")]
    public static partial void ApiVersionNegotiated(ILogger logger, string engineVersion, string socketPath, string engineApiVersion, string apiVersion);

    [LoggerMessage(2, LogLevel.Debug, "Created container {ContainerId} ({Name}) from image {Image}")]
    public static partial void ContainerCreated(ILogger logger, string containerId, string? name, string image);

    [LoggerMessage(3, LogLevel.Warning, "Docker Engine warned while creating container {ContainerId}: {Warning}")]
    public static partial void ContainerCreateWarning(ILogger logger, string containerId, string warning);

    [LoggerMessage(4, LogLevel.Debug, "Started container {ContainerId}")]
    public static partial void ContainerStarted(ILogger logger, string containerId);

    [LoggerMessage(5, LogLevel.Debug, "Stopped container {ContainerId} (was running: {WasRunning})")]
    public static partial void ContainerStopped(ILogger logger, string containerId, bool wasRunning);

    [LoggerMessage(6, LogLevel.Debug, "Sent {Signal} to container {ContainerId}")]
    public static partial void ContainerKilled(ILogger logger, string containerId, string signal);

    [LoggerMessage(7, LogLevel.Debug, "Removed container {ContainerId}")]
    public static partial void ContainerRemoved(ILogger logger, string containerId);
}
