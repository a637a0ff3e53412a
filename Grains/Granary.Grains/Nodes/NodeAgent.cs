using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Nodes;

/// <summary>
/// Registers the node with its domain when the silo starts and refreshes the registration every refresh
/// interval, so the orchestrator knows it is alive. Capabilities are detected once at start
/// (<see cref="NodeCapabilitiesProbe"/>, with the values configured in <see cref="NodeOptions"/> taking precedence);
/// every refresh carries a fresh health sample (<see cref="NodeHealthProbe"/>) and the performance samples recorded
/// since the previous one. A failed refresh is retried at the next interval (its performance samples are dropped);
/// the orchestrator declares the node lost only when its deadline (two intervals) passes.
/// </summary>
internal sealed partial class NodeAgent(NodeRuntime node, Silo silo, ILogger<NodeAgent> logger, TimeProvider time) : BackgroundService
{
    private readonly Guid _nonce = Guid.NewGuid();
    private readonly NodeHealthProbe _health = new(timeProvider: time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = node.Options;
        var domain = silo.GrainFactory.GetGrain<IDomainGrain>(options.DomainId);
        var descriptor = Describe(node, new NodeCapabilitiesProbe().Detect(Overrides(node)));
        using var timer = new PeriodicTimer(options.RefreshInterval, time);
        do
        {
            try
            {
                await domain.RegisterNode(new NodeRegistration
                {
                    Node = descriptor,
                    Health = _health.Sample(),
                    Nonce = _nonce,
                    RefreshInterval = options.RefreshInterval,
                    Performance = node.DrainPerformanceSamples(),
                }).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, options.DomainId, ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    /// <summary>The configured values that replace detected ones: set numbers, set flags, labels, and the executors' runtimes.</summary>
    internal static NodeCapabilitiesOverrides Overrides(NodeRuntime node)
    {
        var options = node.Options;
        return new NodeCapabilitiesOverrides
        {
            NumCpus = options.NumCpus > 0 ? options.NumCpus : null,
            NumCores = options.NumCores > 0 ? options.NumCores : null,
            ClockFreqCpu = options.ClockFreqCpu > 0 ? options.ClockFreqCpu : null,
            MemSize = options.MemSize > 0 ? options.MemSize : null,
            Labels = [.. options.Labels],
            IsTeeRunning = options.IsTeeRunning,
            HasTpm = options.HasTpm,
            Runtimes = [.. node.Runtimes],
        };
    }

    private static NodeDescriptor Describe(NodeRuntime node, NodeCapabilities capabilities)
    {
        var options = node.Options;
        var providers = node.ResourceClasses.Select(c => new ResourceProviderDescriptor($"{c}-{options.NodeId:N}", c)).ToList();
        return new NodeDescriptor(options.NodeId, capabilities) { Name = options.Name ?? string.Empty, ResourceProviders = providers };
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration with domain {Domain} failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string domain, string reason);
}
