using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Placement;

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

    /// <summary>Delivers a one-way event to an instance of this node.</summary>
    [OneWay]
    Task Cast(InstanceId target, InstanceId source, [Immutable] byte[] payload);

    /// <summary>
    /// Delivers one-way events from <paramref name="source"/>, in order: <paramref name="payloads"/>[i] to
    /// <paramref name="targets"/>[i], each an instance of this node. A sender uses it for the events it emitted while it
    /// was busy, so that they travel as one message.
    /// </summary>
    [OneWay]
    Task CastBatch(InstanceId source, InstanceId[] targets, [Immutable] byte[][] payloads);

    /// <summary>Delivers a call to an instance of this node and returns its answer.</summary>
    Task<CallResult> Call(InstanceId target, InstanceId source, [Immutable] byte[] payload);

    /// <summary>Answers at once: the orchestrator's keep-alive probe.</summary>
    [AlwaysInterleave]
    Task Ping();

    /// <summary>The instances running here.</summary>
    [AlwaysInterleave]
    Task<List<InstanceStatus>> Instances();
}
