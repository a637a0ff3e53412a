using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Nodes;

/// <summary>
/// Registers the node with its domain when the silo starts and refreshes the registration every refresh
/// interval, so the orchestrator knows it is alive. Capabilities are detected once at start
/// (<see cref="NodeCapabilitiesProbe"/>, with the values configured in <see cref="NodeOptions"/> taking precedence);
/// every refresh carries a fresh health sample (<see cref="NodeHealthProbe"/>) and the performance samples recorded
/// since the previous one, and the usage samples protection took meanwhile (<see cref="NodeUsageSampler"/>). A failed refresh is retried at the next interval (its performance samples are dropped);
/// the orchestrator declares the node lost only when its deadline (two intervals) passes.
/// It runs while the silo is active: it starts once the silo has joined the cluster, and when the silo shuts down it
/// stops refreshing, then stops the node's instances before the silo leaves the cluster.
/// </summary>
internal sealed partial class NodeAgent(NodeRuntime node, NodeUsageSampler usage, IGrainFactory grains, ILogger<NodeAgent> logger, TimeProvider time) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Guid _nonce = Guid.NewGuid();
    private readonly NodeHealthProbe _health = new(timeProvider: time);
    private readonly CancellationTokenSource _stopping = new();
    private Task _refreshing = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(NodeAgent), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _refreshing = Task.Run(() => RefreshAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopRefreshingAsync().ConfigureAwait(false);
        await node.StopAllAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the refreshes; the node's instances keep running (its domain will declare it lost).</summary>
    internal async Task StopRefreshingAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _refreshing.ConfigureAwait(false);
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        var options = node.Options;
        var descriptor = Describe(node, new NodeCapabilitiesProbe().Detect(Overrides(node)));
        using var timer = new PeriodicTimer(options.RefreshInterval, time);
        do
        {
            try
            {
                // Resolved each time: until this silo has learnt the cluster's grain types (a moment after it joins), the
                // domain's grain type is unknown here and the refresh is retried at the next interval.
                await grains.GetGrain<IDomainGrain>(options.DomainId).RegisterNode(new NodeRegistration
                {
                    Node = descriptor,
                    Health = _health.Sample(),
                    Nonce = _nonce,
                    RefreshInterval = options.RefreshInterval,
                    Performance = node.DrainPerformanceSamples(),
                    Usage = usage.Drain(),
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
