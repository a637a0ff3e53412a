using System.Collections.Concurrent;
using Granary.Grains.Events;
using Granary.Grains.Nodes;
using Granary.Grains.Protection;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace Granary.Platform.Tests.Protection;

/// <summary>Protection on real usage: real CPU-burning processes, measured by the nodes' own usage probes.</summary>
public sealed class ProtectionEndToEndTests
{
    private static readonly TimeSpan BurnLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Real_cpu_burning_processes_drive_a_node_to_tainted_and_back()
    {
        // Both nodes measure the CPU of one cgroup holding the burners (not the rest of a shared machine); node-0 is held
        // to 10 %, node-1 (label index=1) to 100 %, which nothing exceeds, so node-0's instance has a node to move to.
        using var cgroup = CpuCgroup.Create();
        await using var platform = await PlatformCluster.StartAsync(
            nodes: 2,
            orchestrator: s => s.AddGranaryProtection(o =>
            {
                o.Enabled = true;
                o.Watch = WatchedResources.Cpu;
                o.Cpu = 10;
                o.Release = 5;
                o.Labels["index=1"] = new ProtectionOverrides { Cpu = 100 };
            }),
            configureNode: s => s.Services.Configure<ProtectionOptions>(o =>
            {
                o.SampleInterval = TimeSpan.FromMilliseconds(500);
                o.CpuCgroup = cgroup.Path;
            }));
        var events = await platform.SubscribeToDomainEventsAsync();
        var hot = Guid.Parse(platform.Nodes[0].Name);
        var cool = Guid.Parse(platform.Nodes[1].Name);

        // Round-robin placement puts one of the two on each node.
        var components = await platform.DomainGrain.DeployWorkflow("burn", new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<IdleFunction>("a", $"key={Guid.NewGuid():N}"),
                PlatformCluster.Function<IdleFunction>("b", $"key={Guid.NewGuid():N}"),
            ],
        });
        var onHot = (await platform.DomainGrain.Inspect()).Instances.Values.SelectMany(i => i).Single(i => i.NodeId == hot);

        cgroup.Burn(Environment.ProcessorCount, BurnLimit);
        try
        {
            await platform.WaitAsync(() => Task.FromResult(events.OfType<InstanceShed>().Any(e => e.Instance == onHot)), 60_000);
        }
        finally
        {
            cgroup.StopBurning();
        }

        var tainted = events.OfType<NodeTainted>().Single(e => e.NodeId == hot);
        Assert.Equal(ProtectedResource.Cpu, tainted.Metric);
        Assert.True(tainted.Value > 10, $"CPU {tainted.Value} % should exceed the 10 % threshold");
        Assert.Single(events.OfType<NodeLimited>(), e => e.NodeId == hot);
        Assert.Equal(cool, events.OfType<InstanceShed>().Single(e => e.Instance == onHot).MovedTo?.NodeId);

        await platform.WaitAsync(() => Task.FromResult(events.OfType<NodeRestored>().Any(e => e.NodeId == hot)), 60_000);

        var restored = events.OfType<NodeRestored>().Single(e => e.NodeId == hot);
        Assert.True(restored.Value < 5, $"CPU {restored.Value} % should be below the 5 % release level");
        Assert.DoesNotContain(events.OfType<NodeTainted>(), e => e.NodeId == cool);
        var snapshot = await platform.DomainGrain.Snapshot();
        Assert.All(snapshot.Nodes, n => Assert.Equal(NodeProtectionState.Normal, n.Protection));
        var status = await platform.DomainGrain.Inspect();
        Assert.All(components.Values, lid => Assert.Single(status.Instances[lid]));
        await platform.WaitAsync(() => Task.FromResult(platform.NodeSilo(hot).Services.GetRequiredService<NodeRuntime>().Throttle.IsNone));
    }
}
