using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Container;

/// <summary>Says once, when the silo starts, why this node does not offer the CONTAINER runtime.</summary>
internal sealed partial class ContainerRuntimeUnavailableNotice(ILogger<ContainerRuntimeUnavailableNotice> logger, string reason) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogUnavailable(logger, reason);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node does not offer the CONTAINER runtime: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
