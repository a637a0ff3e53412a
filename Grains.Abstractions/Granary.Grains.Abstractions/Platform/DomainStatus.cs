using Granary.Grains.Identity;

namespace Granary.Grains.Platform;

/// <summary>A domain orchestrator's view: its nodes and where each logical function runs.</summary>
[GenerateSerializer]
public sealed record DomainStatus
{
    [Id(0)]
    public required string DomainId { get; init; }

    [Id(1)]
    public List<Guid> Nodes { get; init; } = [];

    /// <summary>Logical function to its active instances.</summary>
    [Id(2)]
    public Dictionary<LogicalFunctionId, InstanceId[]> Instances { get; init; } = [];

    /// <summary>Logical functions waiting for a node that fits, with the last reason.</summary>
    [Id(3)]
    public Dictionary<LogicalFunctionId, string> Unplaced { get; init; } = [];

    /// <summary>
    /// Keep-alive rounds the orchestrator has begun since it activated: the clock in which relocation and retry
    /// promises ("within two keep-alive intervals") are stated, independent of how fast the machine is.
    /// </summary>
    [Id(4)]
    public long KeepAliveRounds { get; init; }

    // Jobs (issue 16): ids from 20 keep clear of other additions.

    /// <summary>Logical function to its tasks (one per instance slot), for functions; resources have none.</summary>
    [Id(20)]
    public Dictionary<LogicalFunctionId, List<Jobs.TaskInfo>> Tasks { get; init; } = [];

    /// <summary>
    /// Run-to-completion workflows of the domain to where they stand (<c>Active</c>, <c>Completed</c>, <c>Failed</c>) and,
    /// once ended, why.
    /// </summary>
    [Id(21)]
    public Dictionary<string, JobStatus> Jobs { get; init; } = new(StringComparer.Ordinal);
}
