using Granary.Executors.Container;
using Granary.Grains.Protection;
using Granary.Grains.Workflows;
using Granary.Hosting;

namespace Granary.Executors.Tests;

/// <summary>Protection's throttle on container functions: a reduced CPU quota through the Docker Engine, lifted again.</summary>
[Collection(ContainerEngineCollection.Name)]
public sealed class ContainerCpuLimitTests(ContainerEngineFixture engine)
{
    [Fact]
    public async Task A_throttled_node_reduces_the_cpu_quota_of_its_containers_and_restores_it_when_lifted()
    {
        await using var platform = await ExecutorCluster.StartAsync(nodes: 1, node: s => s.AddContainerFunctions(engine.Configure));
        var spec = new WorkflowSpec
        {
            Functions =
            [
                ExecutorCluster.ContainerFunction("capped", engine.Code, annotations: new() { [ContainerAnnotations.Cpus] = "0.5" }),
                ExecutorCluster.ContainerFunction("free", engine.Code),
            ],
        };
        var ids = await platform.DomainGrain.DeployWorkflow("quota", spec);
        var capped = await platform.InstanceOfAsync(ids["capped"]);
        var free = await platform.InstanceOfAsync(ids["free"]);
        var node = platform.NodeOf(capped);

        await node.Throttle(new NodeThrottle { CpuFraction = 0.5, EventsPerSecond = 10 });
        var cappedLimited = await HostConfigAsync(capped.ToString());
        var freeLimited = await HostConfigAsync(free.ToString());
        await node.Throttle(NodeThrottle.None);
        var cappedLifted = await HostConfigAsync(capped.ToString());
        var freeLifted = await HostConfigAsync(free.ToString());

        // A container created with a CPU limit keeps half of it; one without gets half of the machine as a CFS quota.
        Assert.Equal(250_000_000, cappedLimited.NanoCPUs);
        Assert.Equal(ContainerFunctionInstance.CpuPeriodMicroseconds, freeLimited.CPUPeriod);
        Assert.Equal((long)(0.5 * Environment.ProcessorCount * ContainerFunctionInstance.CpuPeriodMicroseconds), freeLimited.CPUQuota);
        Assert.Equal(500_000_000, cappedLifted.NanoCPUs);
        Assert.True(freeLifted.CPUQuota <= 0, $"the quota should be lifted, found {freeLifted.CPUQuota}");
        Assert.True((await engine.ContainersAsync(ContainerLabels.Instance, free.ToString())).Single().State == "running");
    }

    private async Task<Docker.DotNet.Models.HostConfig> HostConfigAsync(string instance)
    {
        var container = Assert.Single(await engine.ContainersAsync(ContainerLabels.Instance, instance));
        return (await engine.Docker.Containers.InspectContainerAsync(container.ID)).HostConfig!;
    }
}
