using Granary.Grains.Controller;

namespace Granary.Client;

/// <summary>Domains registered with the controller. Obtain it from <see cref="GranaryClient.Domains"/>.</summary>
public sealed class DomainsClient
{
    private readonly IControllerGrain _controller;

    internal DomainsClient(IControllerGrain controller) => _controller = controller;

    /// <summary>The registered domains with their capabilities as last refreshed, by id.</summary>
    public async Task<IReadOnlyList<DomainInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _controller.ListDomains().ConfigureAwait(false);
    }

    /// <summary>The domain's nodes, capabilities and workflows, asked of the domain now; null when it is not registered.</summary>
    public Task<DomainSummary?> InspectAsync(string domainId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(domainId);
        cancellationToken.ThrowIfCancellationRequested();
        return _controller.InspectDomain(domainId);
    }
}
