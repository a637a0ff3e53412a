using Granary.Grains.Identity;
using Granary.Grains.Nodes;

namespace Granary.Grains.Platform;

/// <summary>
/// The execution times an instance reported: how many samples it reported in all, and the most recent of them (the
/// domain keeps a bounded window). A reader that saw <see cref="Total"/> = n before knows that the last
/// <c>Total - n</c> entries of <see cref="Samples"/> are new (as far as the window reaches).
/// </summary>
[GenerateSerializer]
public sealed record InstancePerformance
{
    [Id(0)]
    public InstanceId Instance { get; init; }

    /// <summary>Samples reported since the instance started, counting those no longer kept.</summary>
    [Id(1)]
    public long Total { get; init; }

    /// <summary>The most recent samples, oldest first.</summary>
    [Id(2)]
    public List<FunctionExecutionSample> Samples { get; init; } = [];
}
