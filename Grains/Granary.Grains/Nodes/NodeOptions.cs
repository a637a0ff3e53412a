namespace Granary.Grains.Nodes;

/// <summary>Configuration of a node silo (section Granary:Node).</summary>
public sealed class NodeOptions
{
    /// <summary>The node id; also the silo's name. Default: a new random id per start.</summary>
    public Guid NodeId { get; set; } = Guid.NewGuid();

    /// <summary>Human-readable node name (shown by tools).</summary>
    public string? Name { get; set; }

    /// <summary>The domain whose orchestrator this node registers with.</summary>
    public string DomainId { get; set; } = "domain-1";

    /// <summary>How often the node refreshes its registration; its deadline is twice this.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a function's call to another function may take before it gets an error result.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Labels such as hostname=foo, matched by label_match_all.</summary>
    public List<string> Labels { get; set; } = [];

    /// <summary>
    /// Whether the node runs in a TEE (matched by the tee requirement); null keeps what the node detects
    /// (a confidential-computing guest device).
    /// </summary>
    public bool? IsTeeRunning { get; set; }

    /// <summary>Whether the node has a TPM (matched by the tpm requirement); null keeps what the node detects (/dev/tpm0).</summary>
    public bool? HasTpm { get; set; }

    /// <summary>Overrides of detected CPU figures (used by weighted placement); 0 keeps the detected value.</summary>
    public int NumCpus { get; set; }

    public int NumCores { get; set; }

    public float ClockFreqCpu { get; set; }

    /// <summary>Override of the detected memory size in MiB (<c>mem_size</c>); 0 keeps the detected value.</summary>
    public long MemSize { get; set; }

    /// <summary>
    /// When true, the node measures how long each cast and call takes its instance and sends the samples with each
    /// refresh (the proxy mirrors them as <c>performance:function_execution_time:PID</c>). Off by default: it adds two
    /// clock reads to every event.
    /// </summary>
    public bool PerformanceSamples { get; set; }

    /// <summary>
    /// Most samples kept per instance between two refreshes (the most recent ones); older ones are dropped, so a busy
    /// instance costs bounded memory.
    /// </summary>
    public int MaxSamplesPerRefresh { get; set; } = 100;

    /// <summary>
    /// The stream provider on which the node publishes instance lifecycle events and performance samples (stream
    /// namespace <c>granary.events</c>, key = <see cref="DomainId"/>). Empty disables publishing; a name that is not
    /// registered on the silo is reported once at start and publishing stays off.
    /// </summary>
    public string EventStreamProvider { get; set; } = Events.PlatformStreams.DefaultProvider;

    /// <summary>How often the node publishes a performance sample of its instances; zero disables samples.</summary>
    public TimeSpan PerformanceSampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Port of the node's Prometheus <c>/metrics</c> endpoint; 0 (the default) disables it. The endpoint serves only
    /// when the silo also calls <c>AddNodeMetricsEndpoint</c>.
    /// </summary>
    public int MetricsPort { get; set; }

    /// <summary>The address the <c>/metrics</c> endpoint binds to (default loopback only).</summary>
    public string MetricsAddress { get; set; } = "127.0.0.1";
}
