using Granary.Grains.Events;
using Orleans.Streams;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Nodes;

/// <summary>
/// Publishes the node's instance lifecycle events as they happen and a <see cref="PerformanceSample"/> every
/// <see cref="NodeOptions.PerformanceSampleInterval"/> on the stream <c>granary.events</c>/domain id. Publishing runs
/// here, off the data plane; a failed publication is logged and the next event is tried.
/// </summary>
internal sealed partial class NodeEventPublisher(NodeTelemetry telemetry, NodeRuntime node, IClusterClient cluster, ILogger<NodeEventPublisher> logger, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = node.Options;
        if (string.IsNullOrEmpty(options.EventStreamProvider))
        {
            telemetry.StopPublishing();
            return;
        }

        IAsyncStream<PlatformEvent> stream;
        try
        {
            stream = cluster.GetStreamProvider(options.EventStreamProvider).GetStream<PlatformEvent>(StreamId.Create(PlatformStreams.Namespace, options.DomainId));
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            LogNoProvider(logger, options.EventStreamProvider);
            telemetry.StopPublishing();
            return;
        }

        var sampling = options.PerformanceSampleInterval > TimeSpan.Zero ? SampleAsync(stream, options, stoppingToken) : Task.CompletedTask;
        try
        {
            await foreach (var item in telemetry.Events.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await PublishAsync(stream, item, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await sampling.ConfigureAwait(false);
    }

    private async Task SampleAsync(IAsyncStream<PlatformEvent> stream, NodeOptions options, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PerformanceSampleInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var sample = new PerformanceSample(options.NodeId, options.DomainId, telemetry.TakePerformanceSample(), time.GetUtcNow());
                await PublishAsync(stream, sample, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(IAsyncStream<PlatformEvent> stream, PlatformEvent item, CancellationToken stoppingToken)
    {
        try
        {
            await stream.OnNextAsync(item).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, item.GetType().Name, stream.StreamId.ToString(), ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No stream provider named '{Provider}' on this silo: instance lifecycle events and performance samples are not published (set Granary:Node:EventStreamProvider, or empty to disable)")]
    private static partial void LogNoProvider(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Event} on stream {Stream} failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string @event, string stream, string reason);
}
