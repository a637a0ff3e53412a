using System.Text.Json;
using Granary.Client;
using Granary.Grains.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Granary.Dashboard.Live;

/// <summary>
/// Follows the <c>granary.events</c> stream of every registered domain (as <c>granary events</c> does), checking for new
/// domains every few seconds: each event goes to the events feed, and performance samples also to
/// <see cref="PerformanceRates"/>.
/// </summary>
public sealed partial class PlatformEventFeed(GranaryClient client, LiveTopics topics, PerformanceRates rates, ILogger<PlatformEventFeed> logger) : BackgroundService
{
    private static readonly TimeSpan DomainCheck = TimeSpan.FromSeconds(3);
    private readonly Dictionary<string, StreamSubscriptionHandle<PlatformEvent>> _subscriptions = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Checked after a pause, also the first time: the silo's controller may still be starting.
                await Task.Delay(DomainCheck, stoppingToken).ConfigureAwait(false);
                try
                {
                    foreach (var domain in await client.Domains.ListAsync(stoppingToken).ConfigureAwait(false))
                    {
                        if (!_subscriptions.ContainsKey(domain.DomainId))
                        {
                            var id = domain.DomainId;
                            _subscriptions[id] = await client.SubscribeToEventsAsync(id, e => OnEventAsync(id, e)).ConfigureAwait(false);
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSubscribeFailed(logger, ex.GetBaseException().Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var subscription in _subscriptions.Values)
            {
                try
                {
                    await subscription.UnsubscribeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSubscribeFailed(logger, ex.GetBaseException().Message);
                }
            }
        }
    }

    private Task OnEventAsync(string domain, PlatformEvent e)
    {
        if (e is PerformanceSample sample)
        {
            rates.Add(sample);
        }

        var view = new EventView(e.Timestamp, domain, e.GetType().Name, JsonSerializer.Serialize(e, e.GetType()));
        topics.Events.Publish(JsonSerializer.Serialize(view, LivePublisher.Json));
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The events page could not follow a domain's events: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);
}
