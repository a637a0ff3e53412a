using Granary.Grains.Controller;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Grains.Platform;

/// <summary>
/// The orchestrator of one domain (EDGELESS's ε-ORC), placed on an orchestrator silo: registers nodes, places
/// instances following deployment requirements and the domain's strategy, keeps outputs patched, and relocates
/// instances of nodes that miss their deadline.
/// </summary>
public interface IDomainGrain : IGrainWithStringKey
{
    /// <summary>Registers or refreshes a node; returns the deadline by which it must refresh again.</summary>
    Task<DateTimeOffset> RegisterNode(NodeRegistration registration);

    /// <summary>Places every component of the workflow on this domain's nodes and wires their outputs.</summary>
    Task<Dictionary<string, LogicalFunctionId>> DeployWorkflow(string workflowId, WorkflowSpec spec);

    /// <summary>Stops every instance of the workflow.</summary>
    Task StopWorkflow(string workflowId);

    /// <summary>A node reports that an instance crashed (no exit code): as <see cref="ReportInstanceExit"/>.</summary>
    Task ReportInstanceFailure(InstanceId instance, string reason);

    /// <summary>
    /// A node reports that an instance ended by itself: its task is Completed (exit code 0) or Failed, and started
    /// again, after a back-off, when the function's restart policy says so; a run-to-completion workflow ends when its
    /// tasks did.
    /// </summary>
    Task ReportInstanceExit(Jobs.InstanceExit exit);

    /// <summary>Nodes, instances and unplaced functions.</summary>
    [AlwaysInterleave]
    Task<DomainStatus> Inspect();

    /// <summary>
    /// A lightweight summary for the controller and tools: the union of the nodes' runtimes and resource classes, the
    /// nodes themselves, and the workflows deployed here.
    /// </summary>
    [AlwaysInterleave]
    Task<DomainSummary> Describe();

    /// <summary>
    /// Everything the domain knows now (nodes with capabilities, health and cordon flag; logical functions with
    /// annotations, instances and dependencies; recent performance samples), for the proxy mirror and tools. Answered
    /// between other turns, so it never waits behind a placement.
    /// </summary>
    [AlwaysInterleave]
    Task<DomainSnapshot> Snapshot();

    /// <summary>
    /// Moves the function to <paramref name="nodeId"/>: starts a new instance there, re-patches every component of its
    /// workflow, then stops the old instance (with several instances, one that is not on the target yet moves). With
    /// <c>state_policy=global</c> the new instance starts from the state last synced. Doing nothing when the function
    /// already runs only on the target. Fails with <see cref="DomainRequestRejectedException"/>, changing nothing,
    /// when the function or node is unknown, the node is cordoned or tainted (protection) or does not meet the function's deployment
    /// requirements, the function has no running instance, or the node fails to start it.
    /// </summary>
    Task Migrate(LogicalFunctionId function, Guid nodeId);

    /// <summary>
    /// Cordons (<paramref name="cordoned"/> true) or uncordons a registered node: a cordoned node gets no new
    /// instances (placement, relocation, migration) while those it runs stay. Fails with
    /// <see cref="DomainRequestRejectedException"/> for a node that is not registered.
    /// </summary>
    Task Cordon(Guid nodeId, bool cordoned);
}
