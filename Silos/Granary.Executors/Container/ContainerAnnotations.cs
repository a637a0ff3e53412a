namespace Granary.Executors.Container;

/// <summary>
/// Function annotations that set the resource limits of one CONTAINER function's container, overriding
/// <see cref="ContainerExecutorOptions"/>. An invalid value fails the deployment with a message naming the annotation.
/// </summary>
public static class ContainerAnnotations
{
    /// <summary>CPU limit in CPUs, a positive decimal (<c>0.5</c> is half a core, <c>2</c> two cores).</summary>
    public const string Cpus = "container.cpus";

    /// <summary>Memory limit in MiB, a positive integer; a function exceeding it is killed and reported crashed.</summary>
    public const string MemoryMb = "container.memory_mb";
}
