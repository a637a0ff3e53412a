using System.Collections.Concurrent;
using Granary.Grains.Events;
using Orleans.Streams;
using Microsoft.Extensions.Logging;

namespace Granary.Grains;

/// <summary>
/// Publishes a grain's platform events on stream <c>granary.events</c>/domain id of a named stream provider. An empty
/// provider name disables publishing; a name no provider on the silo has turns publishing off for the activation and
/// is reported once per process; any other failure is logged and the next event is tried. Never throws.
/// </summary>
internal sealed partial class PlatformEventSink(string? providerName, Func<string, IStreamProvider> providers, ILogger logger)
{
    private static readonly ConcurrentDictionary<string, bool> MissingReported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IAsyncStream<PlatformEvent>> _streams = new(StringComparer.Ordinal);
    private bool _off = string.IsNullOrEmpty(providerName);

    public Task PublishAsync(string domainId, PlatformEvent item)
    {
        if (_off)
        {
            return Task.CompletedTask;
        }

        if (!_streams.TryGetValue(domainId, out var stream))
        {
            try
            {
                stream = providers(providerName!).GetStream<PlatformEvent>(StreamId.Create(PlatformStreams.Namespace, domainId));
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
            {
                _off = true;
                if (MissingReported.TryAdd(providerName!, true))
                {
                    LogNoProvider(logger, providerName!);
                }

                return Task.CompletedTask;
            }

            _streams[domainId] = stream;
        }

        return PublishAsync(stream, item, logger);
    }

    private static async Task PublishAsync(IAsyncStream<PlatformEvent> stream, PlatformEvent item, ILogger logger)
    {
        try
        {
            await stream.OnNextAsync(item);
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, item.GetType().Name, stream.StreamId.ToString(), ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No stream provider named '{Provider}' on this silo: platform events are not published (configure the provider, or set the EventStreamProvider option empty)")]
    private static partial void LogNoProvider(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Event} on stream {Stream} failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string @event, string stream, string reason);
}
