using Granary.Grains.Workflows;

namespace Granary.Grains.Controller;

/// <summary>
/// One workflow of the cluster (the controller's per-workflow half, EDGELESS's ε-CON), keyed by workflow id and placed
/// on a controller silo. It owns the specification, the domain it is deployed on and the logical id of each component,
/// all persisted, so a workflow survives a controller restart. The <see cref="IControllerGrain"/> chooses domains and
/// drives it: it starts, stops, orphans and redeploys workflows through this grain.
/// </summary>
public interface IWorkflowGrain : IGrainWithStringKey
{
    /// <summary>
    /// Deploys <paramref name="spec"/> on <paramref name="domainId"/> and persists it. Fails with
    /// <see cref="InvalidOperationException"/> when this workflow id was started already.
    /// </summary>
    Task<WorkflowInfo> Start(WorkflowSpec spec, string domainId);

    /// <summary>Stops every instance in its domain and forgets the workflow; false when it was never started.</summary>
    Task<bool> Stop();

    /// <summary>The workflow's line in the controller's list; null when it was never started.</summary>
    [AlwaysInterleave]
    Task<WorkflowInfo?> Info();

    /// <summary>The specification it was started with; null when it was never started.</summary>
    [AlwaysInterleave]
    Task<WorkflowSpec?> Spec();

    /// <summary>Each component with its domain, logical id and instances (asked of the domain now); null when unknown.</summary>
    Task<WorkflowDetails?> Inspect();

    /// <summary>
    /// Forgets the deployment: the workflow becomes an orphan, to be redeployed where it fits. With
    /// <paramref name="stopInDomain"/>, whatever may still run in its old domain is stopped first (best effort, bounded
    /// by <paramref name="timeout"/>).
    /// </summary>
    Task<WorkflowInfo> Orphan(bool stopInDomain, TimeSpan timeout);

    /// <summary>Deploys the orphan on <paramref name="domainId"/> (after stopping anything left there under its id).</summary>
    Task<WorkflowInfo> Redeploy(string domainId);

    /// <summary>
    /// Its domain says the run-to-completion workflow ended (<paramref name="endedAs"/> is <see cref="WorkflowState.Completed"/>
    /// or <see cref="WorkflowState.Failed"/>, <paramref name="outcome"/> says why): persisted, and the controller's list updated.
    /// </summary>
    [OneWay]
    Task JobEnded(WorkflowState endedAs, string outcome);
}
