using Granary.Grains.Controller;

namespace Granary.Client;

/// <summary>Nodes of the registered domains. Obtain it from <see cref="GranaryClient.Nodes"/>.</summary>
public sealed class NodesClient
{
    private readonly IControllerGrain _controller;

    internal NodesClient(IControllerGrain controller) => _controller = controller;

    /// <summary>Every node of every registered domain, as the domains report them.</summary>
    public async Task<IReadOnlyList<NodeSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _controller.ListNodes().ConfigureAwait(false);
    }

    /// <summary>
    /// The node (by id, or by name when it has one) and the instances it runs now; null when no registered domain
    /// reports it.
    /// </summary>
    public Task<NodeDetails?> InspectAsync(string node, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        cancellationToken.ThrowIfCancellationRequested();
        return _controller.InspectNode(node);
    }
}
