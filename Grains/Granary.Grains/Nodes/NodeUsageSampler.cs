using Granary.Grains.Protection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Nodes;

/// <summary>
/// Samples the node's usage (<see cref="INodeUsageProbe"/>) every <see cref="ProtectionOptions.SampleInterval"/>, from
/// the start of the silo: the latest sample answers the metrics endpoint, and the samples taken since the previous
/// refresh travel with the next one (at most <see cref="MaxPending"/>, the oldest dropped while the domain is
/// unreachable). A probe that fails is logged and skipped.
/// </summary>
public sealed partial class NodeUsageSampler(INodeUsageProbe probe, IOptions<ProtectionOptions> options, TimeProvider time, ILogger<NodeUsageSampler> logger)
    : BackgroundService
{
    /// <summary>Most samples kept for the next refresh.</summary>
    public const int MaxPending = 60;

    private readonly Lock _lock = new();
    private readonly Queue<NodeUsage> _pending = new();
    private NodeUsage? _latest;

    /// <summary>The most recent sample; null before the first.</summary>
    public NodeUsage? Latest
    {
        get
        {
            lock (_lock)
            {
                return _latest;
            }
        }
    }

    /// <summary>Takes one sample now and queues it for the next refresh.</summary>
    public NodeUsage? SampleNow()
    {
        NodeUsage sample;
        try
        {
            sample = probe.Sample();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            LogProbeFailed(logger, ex.Message);
            return null;
        }

        lock (_lock)
        {
            _latest = sample;
            _pending.Enqueue(sample);
            while (_pending.Count > MaxPending)
            {
                _pending.Dequeue();
            }
        }

        return sample;
    }

    /// <summary>The samples taken since the previous call, oldest first.</summary>
    public List<NodeUsage> Drain()
    {
        lock (_lock)
        {
            var samples = _pending.ToList();
            _pending.Clear();
            return samples;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, time);
        try
        {
            do
            {
                SampleNow();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling the node's usage failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string reason);
}
