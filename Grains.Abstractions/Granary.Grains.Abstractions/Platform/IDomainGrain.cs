using Granary.Grains.Controller;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;
using Granary.Placement;

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

    /// <summary>A node reports that an instance crashed: it is restarted (placed again) and re-patched.</summary>
    Task ReportInstanceFailure(InstanceId instance, string reason);

    /// <summary>Nodes, instances and unplaced functions.</summary>
    [AlwaysInterleave]
    Task<DomainStatus> Inspect();

    /// <summary>
    /// A lightweight summary for the controller and tools: the union of the nodes' runtimes and resource classes, the
    /// nodes themselves, and the workflows deployed here.
    /// </summary>
    [AlwaysInterleave]
    Task<DomainSummary> Describe();
}
