using Granary.Grains.Workflows;

namespace Granary.Grains.Controller;

/// <summary>
/// The cluster's controller (EDGELESS's ε-CON), one per cluster under the key <see cref="Key"/>, placed on a
/// controller silo. Domains register and refresh with their capabilities; workflows are mapped to a domain whose
/// runtimes and resource classes fit. Workflows are persisted, so they survive a controller restart; the workflows of
/// a domain that misses its refresh deadline become orphans and are redeployed when a fitting domain registers.
/// </summary>
public interface IControllerGrain : IGrainWithStringKey
{
    /// <summary>The key of the cluster's one controller grain.</summary>
    const string Key = "controller";

    /// <summary>
    /// Registers or refreshes a domain, which must refresh again within three of its refresh intervals. Answers at once,
    /// never waiting for other work of the controller: orphan redeployment happens on the controller's keep-alive timer.
    /// </summary>
    [AlwaysInterleave]
    Task RegisterDomain(DomainRegistration registration);

    /// <summary>
    /// Deploys the workflow on a domain whose runtimes and resource classes cover it and returns the new workflow id.
    /// Fails with <see cref="WorkflowRejectedException"/> naming the runtime or resource class no domain offers.
    /// </summary>
    Task<string> StartWorkflow(WorkflowSpec spec);

    /// <summary>Stops every instance of the workflow and forgets it; false when no such workflow exists.</summary>
    Task<bool> StopWorkflow(string workflowId);

    /// <summary>The workflows the controller knows, active and orphaned, oldest first.</summary>
    [AlwaysInterleave]
    Task<List<WorkflowInfo>> ListWorkflows();

    /// <summary>The workflow's grain changed its line (a run-to-completion workflow ended): the list reads it again.</summary>
    [OneWay]
    Task WorkflowChanged(string workflowId);

    /// <summary>Each component of the workflow with its domain, logical id and instances; null for an unknown id.</summary>
    Task<WorkflowDetails?> InspectWorkflow(string workflowId);

    /// <summary>The registered domains with their capabilities, as last refreshed.</summary>
    [AlwaysInterleave]
    Task<List<DomainInfo>> ListDomains();

    /// <summary>The domain's own summary (asked of the domain now); null when no such domain is registered.</summary>
    Task<DomainSummary?> InspectDomain(string domainId);

    /// <summary>Every node of every registered domain, as the domains report them.</summary>
    Task<List<NodeSummary>> ListNodes();

    /// <summary>One node with the instances it runs (asked of the node now); null when no domain reports the node.</summary>
    Task<NodeDetails?> InspectNode(string nodeId);
}
