using Granary.Grains.Controller;
using Granary.Grains.Workflows;

namespace Granary.Client;

/// <summary>Workflows through the controller. Obtain it from <see cref="GranaryClient.Workflows"/>.</summary>
public sealed class WorkflowsClient
{
    private readonly IControllerGrain _controller;

    internal WorkflowsClient(IControllerGrain controller) => _controller = controller;

    /// <summary>
    /// Deploys <paramref name="spec"/> on a fitting domain and returns the workflow id. Fails with
    /// <see cref="WorkflowRejectedException"/> when no domain offers a runtime or resource class it needs.
    /// </summary>
    public Task<string> StartAsync(WorkflowSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        cancellationToken.ThrowIfCancellationRequested();
        return _controller.StartWorkflow(spec);
    }

    /// <summary>
    /// Parses the EDGELESS JSON file at <paramref name="path"/> (relative code paths resolve against its directory)
    /// and deploys it. A bad file fails with <see cref="WorkflowSpecException"/> before anything reaches the cluster.
    /// </summary>
    public Task<string> StartAsync(string path, CancellationToken cancellationToken = default) =>
        StartAsync(WorkflowSpecParser.ParseFile(path), cancellationToken);

    /// <summary>Stops the workflow's instances and forgets it; false when the controller knows no such workflow.</summary>
    public Task<bool> StopAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        cancellationToken.ThrowIfCancellationRequested();
        return _controller.StopWorkflow(workflowId);
    }

    /// <summary>Stops every workflow the controller knows and returns the ids stopped.</summary>
    public async Task<IReadOnlyList<string>> StopAllAsync(CancellationToken cancellationToken = default)
    {
        var stopped = new List<string>();
        foreach (var workflow in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await _controller.StopWorkflow(workflow.WorkflowId).ConfigureAwait(false))
            {
                stopped.Add(workflow.WorkflowId);
            }
        }

        return stopped;
    }

    /// <summary>Every workflow the controller knows, active and orphaned, oldest first.</summary>
    public async Task<IReadOnlyList<WorkflowInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _controller.ListWorkflows().ConfigureAwait(false);
    }

    /// <summary>The workflow's components with their domain, logical ids and instances; null for an unknown id.</summary>
    public Task<WorkflowDetails?> InspectAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        cancellationToken.ThrowIfCancellationRequested();
        return _controller.InspectWorkflow(workflowId);
    }
}
