using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Protection;

namespace Granary.Grains.Platform;

/// <summary>
/// The entry point of an edge node, living on that node's own silo (the grain key is the node id, which is the
/// silo's name). Orchestrators start, patch and stop instances through it; other nodes send it events for its
/// instances directly, never through the orchestrator.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Starts an instance of the component; fails with a clear message when this node cannot run it.</summary>
    Task<InstanceId> StartInstance(ComponentDeployment deployment);

    /// <summary>Stops an instance (its stop callback runs); stopping an unknown instance does nothing.</summary>
    Task StopInstance(InstanceId instance);

    /// <summary>Replaces the output wiring of an instance: channel name to the instances behind it.</summary>
    Task Patch(InstanceId instance, Dictionary<string, InstanceId[]> outputs);

    /// <summary>
    /// Delivers a one-way event to an instance of this node. <paramref name="sequence"/> numbers the messages
    /// <paramref name="source"/> sends to this node (a run in the high bits, a position from 1 in the low 40 bits; a new
    /// run after minutes of silence; 0 for none): they are delivered in that order, whatever order they arrive in.
    /// </summary>
    [OneWay]
    Task Cast(InstanceId target, InstanceId source, long sequence, [Immutable] byte[] payload);

    /// <summary>
    /// Delivers one-way events from <paramref name="source"/>, in order: <paramref name="payloads"/>[i] to
    /// <paramref name="targets"/>[i], each an instance of this node. A sender uses it for the events it emitted while it
    /// was busy, so that they travel as one message (numbered as in <see cref="Cast"/>).
    /// </summary>
    [OneWay]
    Task CastBatch(InstanceId source, long sequence, InstanceId[] targets, [Immutable] byte[][] payloads);

    /// <summary>Delivers a call to an instance of this node (in order with the casts of <paramref name="source"/>) and returns its answer.</summary>
    Task<CallResult> Call(InstanceId target, InstanceId source, long sequence, [Immutable] byte[] payload);

    /// <summary>
    /// Protection: applies <paramref name="throttle"/> to every instance of this node, those started later included,
    /// until another throttle replaces it (<see cref="NodeThrottle.None"/> lifts it).
    /// </summary>
    Task Throttle(NodeThrottle throttle);

    /// <summary>Answers at once: the orchestrator's keep-alive probe.</summary>
    [AlwaysInterleave]
    Task Ping();

    /// <summary>The instances running here.</summary>
    [AlwaysInterleave]
    Task<List<InstanceStatus>> Instances();
}
