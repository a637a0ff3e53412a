namespace Granary.Docker;

/// <summary>What <see cref="IDockerClient.WaitContainerAsync"/> waits for.</summary>
public enum ContainerWaitCondition
{
    /// <summary>
    /// Returns as soon as the container is not running. A container that was created but never started is
    /// "not running", so this returns at once for it: start first, or use <see cref="NextExit"/>.
    /// </summary>
    NotRunning,

    /// <summary>Returns when the container next exits, even if it has not been started yet.</summary>
    NextExit,

    /// <summary>Returns when the container has been removed.</summary>
    Removed,
}
