using Microsoft.Extensions.Hosting;

namespace Granary.Runtime.Hosting;

/// <summary>Starts the silo with the host and stops it gracefully with the host; stops the host if the silo dies.</summary>
internal sealed class SiloHostedService(Silo silo, IHostApplicationLifetime lifetime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        silo.Terminated += (_, _) => lifetime.StopApplication();
        await silo.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);
}
