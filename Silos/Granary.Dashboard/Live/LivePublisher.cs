using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Dashboard.Live;

/// <summary>
/// Every <see cref="GranaryDashboardOptions.RefreshInterval"/>, while some page follows the workflows, nodes or functions
/// feed, reads the state once and publishes it to all of them. With nobody following it makes no grain call, so an
/// unwatched dashboard costs the cluster nothing.
/// </summary>
public sealed partial class LivePublisher(
    LiveStateReader reader, PerformanceRates rates, LiveTopics topics, IOptions<GranaryDashboardOptions> options, TimeProvider time, ILogger<LivePublisher> logger) : BackgroundService
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        string? lastWorkflows = null, lastNodes = null;
        do
        {
            if (!topics.StateFollowed)
            {
                continue;
            }

            try
            {
                var (workflows, nodes) = await reader.ReadAsync(stoppingToken).ConfigureAwait(false);
                // Pages redraw only on change; the nodes feed carries health history, so it changes every tick.
                lastWorkflows = PublishChanged(topics.Workflows, JsonSerializer.Serialize(workflows, Json), lastWorkflows);
                lastNodes = PublishChanged(topics.Nodes, JsonSerializer.Serialize(nodes, Json), lastNodes);
                topics.Functions.Publish(JsonSerializer.Serialize(rates.View(time.GetUtcNow()), Json));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReadFailed(logger, ex.GetBaseException().Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static string PublishChanged(LiveTopic topic, string json, string? last)
    {
        if (json != last)
        {
            topic.Publish(json);
        }

        return json;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live pages could not read the cluster's state: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
