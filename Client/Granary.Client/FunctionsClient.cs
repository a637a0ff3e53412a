using Granary.Grains.Controller;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Client;

/// <summary>
/// Logical functions: inspects them, and sends events straight to a function instance through its node, as another
/// function would. Obtain it from <see cref="GranaryClient.Functions"/>.
/// </summary>
public sealed class FunctionsClient
{
    /// <summary>The source id events from the client carry: all zeros (no instance).</summary>
    public static readonly InstanceId ClientSource = new(Guid.Empty, Guid.Empty);

    private readonly IGrainFactory _grains;
    private readonly IControllerGrain _controller;

    internal FunctionsClient(IGrainFactory grains, IControllerGrain controller)
    {
        _grains = grains;
        _controller = controller;
    }

    /// <summary>
    /// Delivers <paramref name="payload"/> to an instance of <paramref name="component"/> of the workflow: a call when
    /// <paramref name="call"/> is true (returns the function's answer), else a one-way cast (returns null once
    /// delivered to the node). With several instances, one is picked at random. Fails with
    /// <see cref="KeyNotFoundException"/> for an unknown workflow or component and
    /// <see cref="InvalidOperationException"/> when the component has no instance now.
    /// </summary>
    public async Task<CallResult?> InvokeAsync(string workflowId, string component, byte[] payload, bool call = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        ArgumentException.ThrowIfNullOrEmpty(component);
        ArgumentNullException.ThrowIfNull(payload);
        cancellationToken.ThrowIfCancellationRequested();
        var details = await _controller.InspectWorkflow(workflowId).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No workflow '{workflowId}'.");
        var target = details.Components.FirstOrDefault(c => c.Name == component)
            ?? throw new KeyNotFoundException($"Workflow '{workflowId}' has no component '{component}' (it has {string.Join(", ", details.Components.Select(c => c.Name))}).");
        if (target.Instances.Count == 0)
        {
            throw new InvalidOperationException($"Component '{component}' of workflow '{workflowId}' has no running instance{(target.UnplacedReason is { } why ? ": " + why : ".")}");
        }

        var instance = target.Instances[Random.Shared.Next(target.Instances.Count)];
        var node = _grains.GetGrain<INodeGrain>(instance.NodeId.ToString("D"));
        if (call)
        {
            return await node.Call(instance, ClientSource, 0, payload).ConfigureAwait(false);
        }

        await node.Cast(instance, ClientSource, 0, payload).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// A logical function as its domain last described it (instances wanted and running, outputs, why it is not
    /// placed) with what is stored of its global state; null when no domain runs <paramref name="logicalId"/>.
    /// </summary>
    public async Task<LogicalFunctionDetails?> InspectAsync(LogicalFunctionId logicalId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _grains.GetGrain<ILogicalFunctionGrain>(logicalId.ToString()).Inspect().ConfigureAwait(false);
    }
}
