namespace Granary.Grains.Jobs;

/// <summary>
/// The annotation keys of Granary's job model (Cube's tasks in the EDGELESS workflow format). Function annotations:
/// <see cref="Cpu"/>, <see cref="Memory"/>, <see cref="Disk"/>, <see cref="RestartPolicy"/>, <see cref="MaxRestarts"/>
/// and <see cref="Placement"/>; workflow annotation: <see cref="JobType"/>. Parsed by <see cref="TaskSpecification"/>
/// and <see cref="JobSpecification"/>.
/// </summary>
public static class JobAnnotations
{
    /// <summary>CPU requested per instance: cores (<c>0.5</c>, <c>2</c>) or millicores (<c>500m</c>).</summary>
    public const string Cpu = "cpu";

    /// <summary>Memory requested per instance in MiB (<c>256</c>); a <c>Mi</c> or <c>Gi</c> suffix is accepted.</summary>
    public const string Memory = "memory";

    /// <summary>Disk requested per instance in MiB (<c>1024</c>); a <c>Mi</c> or <c>Gi</c> suffix is accepted.</summary>
    public const string Disk = "disk";

    /// <summary><c>always</c> (default), <c>on-failure</c> or <c>never</c>.</summary>
    public const string RestartPolicy = "restart-policy";

    /// <summary>A non-negative integer: restarts allowed per task; unset means no limit.</summary>
    public const string MaxRestarts = "max-restarts";

    /// <summary>
    /// Overrides the domain's placement strategy for this function: <c>random</c>, <c>round-robin</c>,
    /// <c>resource-fit</c> or <c>epvm</c>.
    /// </summary>
    public const string Placement = "placement";

    /// <summary>Workflow annotation: <c>continuous</c> (default) or <c>run-to-completion</c>.</summary>
    public const string JobType = "job-type";
}
