namespace Granary.Docker;

/// <summary>
/// The Docker Engine operations Granary needs to run container functions on a node. It never pulls images:
/// an image must already be on the node. Engine error answers surface as <see cref="DockerApiException"/>
/// (a missing image as <see cref="DockerImageNotFoundException"/>), an unreachable engine as
/// <see cref="DockerConnectionException"/> and a request outliving its timeout as <see cref="TimeoutException"/>.
/// </summary>
public interface IDockerClient
{
    /// <summary>Checks that the engine answers; throws <see cref="DockerConnectionException"/> when it cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the engine's release and the range of API versions it speaks.</summary>
    Task<DockerVersionInfo> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the images present on the node (tagged and untagged; intermediate layers excluded).</summary>
    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken = default);

    /// <summary>Describes a local image by reference or id; throws <see cref="DockerImageNotFoundException"/> when it is not on the node.</summary>
    Task<ImageInspection> InspectImageAsync(string image, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates (does not start) a container and returns its id. A missing image is never pulled: it raises
    /// <see cref="DockerImageNotFoundException"/> naming the image. A taken name raises <see cref="DockerApiException"/> with 409.
    /// </summary>
    Task<string> CreateContainerAsync(ContainerCreateParameters parameters, CancellationToken cancellationToken = default);

    /// <summary>Starts a created or stopped container; starting one that already runs does nothing.</summary>
    Task StartContainerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the image's stop signal (SIGTERM by default), waits up to <paramref name="timeout"/> (whole seconds,
    /// rounded up) for the process to exit, then kills it. Returns false when the container was not running,
    /// true when this call stopped it. Completes only once the container is down.
    /// </summary>
    Task<bool> StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends <paramref name="signal"/> (a name such as <c>SIGKILL</c>, <c>SIGTERM</c>, or a number) to the
    /// container's main process. Returns once the signal is sent, not once the process is gone: use
    /// <see cref="WaitContainerAsync"/> for that. A container that is not running raises <see cref="DockerApiException"/> with 409.
    /// </summary>
    Task KillContainerAsync(string id, string signal = "SIGKILL", CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a container and its anonymous volumes. Without <paramref name="force"/> a running container
    /// raises <see cref="DockerApiException"/> with 409; with it, the container is killed first. An unknown id raises 404.
    /// </summary>
    Task RemoveContainerAsync(string id, bool force = false, CancellationToken cancellationToken = default);

    /// <summary>Reads a container's state (running, exit code, pid, OOM-killed) and configuration; an unknown id raises 404.</summary>
    Task<ContainerInspection> InspectContainerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists containers, by default stopped ones too, optionally only those matching every label condition.</summary>
    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Blocks until the container meets <paramref name="condition"/> and returns its exit code. No request
    /// timeout applies: only <paramref name="cancellationToken"/> ends the wait early.
    /// </summary>
    Task<long> WaitContainerAsync(string id, ContainerWaitCondition condition = ContainerWaitCondition.NotRunning, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads what the container has written so far (it does not follow), stdout and stderr kept apart when the
    /// container has no TTY. <paramref name="tail"/> keeps only the last lines written (both streams counted together); null reads everything.
    /// </summary>
    Task<ContainerLogs> GetContainerLogsAsync(string id, int? tail = null, CancellationToken cancellationToken = default);
}
