using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Protection;

namespace Granary.Grains.Nodes;

/// <summary>
/// The node's grain, on the node's own silo: a thin, reentrant entry point to <see cref="NodeRuntime"/> (each
/// instance has its own mailbox, so events for different instances never wait for each other here).
/// </summary>
[GrainType("granary.node")]
[NodeSiloPlacement]
[Reentrant]
internal sealed class NodeGrain(NodeRuntime node) : Grain, INodeGrain
{
    public Task<InstanceId> StartInstance(ComponentDeployment deployment) => node.StartAsync(deployment);

    public Task StopInstance(InstanceId instance) => node.StopAsync(instance);

    public Task Patch(InstanceId instance, Dictionary<string, InstanceId[]> outputs)
    {
        node.Patch(instance, outputs);
        return Task.CompletedTask;
    }

    public Task Cast(InstanceId target, InstanceId source, long sequence, byte[] payload)
    {
        node.Receive(source, sequence, () => node.Cast(target, source, payload));
        return Task.CompletedTask;
    }

    public Task CastBatch(InstanceId source, long sequence, InstanceId[] targets, byte[][] payloads)
    {
        node.Receive(source, sequence, () =>
        {
            for (var i = 0; i < targets.Length && i < payloads.Length; i++)
            {
                node.Cast(targets[i], source, payloads[i]);
            }
        });
        return Task.CompletedTask;
    }

    public Task<CallResult> Call(InstanceId target, InstanceId source, long sequence, byte[] payload)
    {
        var answer = new TaskCompletionSource<Task<CallResult>>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Receive(source, sequence, () => answer.SetResult(node.CallAsync(target, source, payload)));
        return answer.Task.Unwrap();
    }

    public Task Throttle(NodeThrottle throttle) => node.ThrottleAsync(throttle);

    public Task Ping() => Task.CompletedTask;

    public Task<List<InstanceStatus>> Instances() => Task.FromResult(node.Instances.ToList());
}
