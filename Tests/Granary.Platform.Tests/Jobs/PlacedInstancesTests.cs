using Granary.Grains.Domains.Scheduling;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;

namespace Granary.Platform.Tests.Jobs;

/// <summary>The domain's allocations follow its functions' instance lists as instances are placed, moved and removed.</summary>
public sealed class PlacedInstancesTests
{
    private static readonly ResourceRequest HalfCore = new(500, 256, 0);

    private readonly NodeAllocations _allocations = new();
    private readonly NodeDescriptor _a = Node("a");
    private readonly NodeDescriptor _b = Node("b");

    [Fact]
    public void Adding_moving_and_removing_instances_keeps_each_nodes_allocation_exact()
    {
        var requesting = new PlacedInstances(_allocations, HalfCore);
        var requestingNothing = new PlacedInstances(_allocations, ResourceRequest.None);

        requesting.Add(InstanceId.NewOn(_a.NodeId));
        requesting.Add(InstanceId.NewOn(_a.NodeId));
        requestingNothing.Add(InstanceId.NewOn(_a.NodeId));
        Assert.Equal(new ResourceRequest(1000, 512, 0), Allocated(_a));
        Assert.Equal(new ResourceRequest(1000, 512, 0) + EpvmScorer.NominalRequest, Load(_a));

        requesting[0] = InstanceId.NewOn(_b.NodeId);
        Assert.Equal(HalfCore, Allocated(_a));
        Assert.Equal(HalfCore, Allocated(_b));

        Assert.Equal(1, requesting.RemoveAll(i => i.NodeId == _a.NodeId));
        requestingNothing.Clear();
        Assert.Equal(ResourceRequest.None, Allocated(_a));
        Assert.Equal(ResourceRequest.None, Load(_a));

        requesting.Remove(requesting[requesting.FindIndex(i => i.NodeId == _b.NodeId)]);
        Assert.Equal(ResourceRequest.None, Allocated(_b));
        Assert.Empty(requesting);
    }

    private ResourceRequest Allocated(NodeDescriptor node) => _allocations.Candidate(node, 1).Allocated;

    private ResourceRequest Load(NodeDescriptor node) => _allocations.Candidate(node, 1).Load;

    private static NodeDescriptor Node(string name) =>
        new(Guid.NewGuid(), new NodeCapabilities { NumCpus = 4, MemSize = 8192, DiskTotSpace = 65536 }) { Name = name };
}
