using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Nodes;

/// <summary>
/// Registers the node with its domain when the silo starts and refreshes the registration every refresh
/// interval (with current health), so the orchestrator knows it is alive. A failed refresh is retried at the next
/// interval; the orchestrator declares the node lost only when its deadline (two intervals) passes.
/// </summary>
internal sealed partial class NodeAgent(NodeRuntime node, Silo silo, ILogger<NodeAgent> logger, TimeProvider time) : BackgroundService
{
    private readonly Guid _nonce = Guid.NewGuid();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = node.Options;
        var domain = silo.GrainFactory.GetGrain<IDomainGrain>(options.DomainId);
        using var timer = new PeriodicTimer(options.RefreshInterval, time);
        do
        {
            try
            {
                await domain.RegisterNode(BuildRegistration()).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, options.DomainId, ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private NodeRegistration BuildRegistration()
    {
        var options = node.Options;
        var capabilities = new NodeCapabilities
        {
            NumCpus = options.NumCpus > 0 ? options.NumCpus : Environment.ProcessorCount,
            NumCores = options.NumCores > 0 ? options.NumCores : Environment.ProcessorCount,
            ClockFreqCpu = options.ClockFreqCpu > 0 ? options.ClockFreqCpu : 1000,
            Labels = [.. options.Labels],
            IsTeeRunning = options.IsTeeRunning,
            HasTpm = options.HasTpm,
            Runtimes = node.Runtimes,
        };
        var providers = node.ResourceClasses.Select(c => new ResourceProviderDescriptor($"{c}-{options.NodeId:N}", c)).ToList();
        return new NodeRegistration
        {
            Node = new NodeDescriptor(options.NodeId, capabilities) { Name = options.Name ?? string.Empty, ResourceProviders = providers },
            Nonce = _nonce,
            RefreshInterval = options.RefreshInterval,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration with domain {Domain} failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string domain, string reason);
}
