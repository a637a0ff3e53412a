namespace Granary.Executors.Container;

/// <summary>
/// How a node runs CONTAINER functions (configuration section <c>Granary:Containers</c>). CPU and memory limits can be
/// overridden per function by annotations (see <see cref="ContainerAnnotations"/>).
/// </summary>
public sealed class ContainerExecutorOptions
{
    /// <summary>
    /// The Docker Engine's unix socket. Null: a <c>unix://</c> DOCKER_HOST, else <c>/var/run/docker.sock</c>. The
    /// node offers the CONTAINER runtime only if an engine answers there when the silo is configured.
    /// </summary>
    public string? DockerSocketPath { get; set; }

    /// <summary>
    /// The loopback port of the node's host API (the function-to-node half of the protocol). 0, the default, lets
    /// the system pick a free port; functions learn it from <c>GRANARY_HOST_API</c>.
    /// </summary>
    public int HostApiPort { get; set; }

    /// <summary>
    /// How long a new container may take, from creation until its function server answers <c>/boot</c>. A container
    /// that exits or does not answer within it fails the start (and is removed). Default 10 seconds.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest the function may take to answer one event (<c>/init</c>, <c>/cast</c>, <c>/call</c>); past it the
    /// instance is reported crashed, as a WebAssembly function past its time limit. Default 30 seconds.
    /// </summary>
    public TimeSpan EventTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the node waits for the answer to <c>/stop</c> before removing the container anyway. Default 5 seconds.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a host API <c>call</c> or <c>call_raw</c> from a function waits for the callee; the function then gets
    /// an error answer (502). Default 10 seconds.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>CPU limit of a function container in CPUs (0.5 = half a core) unless annotated otherwise; null for none.</summary>
    public double? DefaultCpus { get; set; }

    /// <summary>Memory limit of a function container in MiB unless annotated otherwise; null for none.</summary>
    public long? DefaultMemoryMb { get; set; }

    /// <summary>
    /// Labels added to every container this node creates, besides the <see cref="ContainerLabels"/> Granary always
    /// sets (for example a deployment or test-run label that an operator filters on).
    /// </summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
