using Granary.Grains.Redis;
using System.Diagnostics;
using System.Text;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Resources;

/// <summary>
/// The <c>metrics-collector</c> resource (configuration <c>wf_name</c>; REFERENCE.md section 5): functions map their
/// output <c>metric</c> to it and cast <c>function:begin:ID</c> / <c>function:end:ID</c> around a function-level
/// process and <c>workflow:begin:ID</c> / <c>workflow:end:ID</c> around a workflow-level one. The collector times
/// each pair (from the begin reaching it to the end reaching it) and stores, in the proxy Redis, the keys of
/// <see cref="MetricsKeys"/>: per source instance <c>function:PID:samples</c>, per logical function
/// <c>function:LID:average</c>, and for its <c>wf_name</c> <c>workflow:WF_NAME:samples</c> and
/// <c>workflow:WF_NAME:average</c> (smoothed with <see cref="MetricsCollectorOptions.Alpha"/>).
/// </summary>
/// <remarks>
/// Matching: a function pair is the begin and the end with the same ID from the same instance (the PID the samples
/// are stored under); a workflow pair is the begin and the end with the same ID from any instances (typically the
/// first and the last function of the workflow). The source's logical id is asked from the node running it. An end
/// without a begin, or a malformed event, is ignored with a debug line. Writes reach Redis in order, off the event
/// loop; a Redis outage costs a warning, never the instance. <c>wf_name</c> defaults to the workflow id.
/// </remarks>
public sealed partial class MetricsCollectorExecutor(
    IOptions<MetricsCollectorOptions> options, RedisConnectionRegistry connections, IServiceProvider services, ILoggerFactory loggers) : IFunctionExecutor
{
    private readonly LogicalIdLookup _lookup = new(services);

    public string Kind => "metrics-collector";

    public bool IsResource => true;

    public Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        var config = deployment.Resource?.Configurations ?? throw new ArgumentException($"{deployment.Name} is not a resource.", nameof(deployment));
        var settings = options.Value;
        var url = config.TryGetValue("url", out var own) && !string.IsNullOrWhiteSpace(own) ? own : settings.Url;
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException(
                $"Resource {deployment.Name} (metrics-collector) has no Redis to write to: configure the proxy URL (Granary:Proxy:Url) on the node hosting it, or give the resource a 'url'.");
        }

        if (settings.Alpha is not (> 0 and <= 1))
        {
            throw new InvalidOperationException($"MetricsCollectorOptions.Alpha must be in (0, 1], got {settings.Alpha}.");
        }

        try
        {
            _ = RedisUrl.Parse(url);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (metrics-collector): the Redis URL is not usable: {ex.Message}", ex);
        }

        var workflowName = config.TryGetValue("wf_name", out var name) && !string.IsNullOrWhiteSpace(name) ? name : deployment.WorkflowId;
        var logger = loggers.CreateLogger<MetricsCollectorExecutor>();
        return Task.FromResult<IFunctionInstance>(new Instance(connections, deployment.Name, url, workflowName, settings, _lookup, loggers, logger));
    }

    private sealed class Instance(
        RedisConnectionRegistry connections, string name, string url, string workflowName, MetricsCollectorOptions settings, LogicalIdLookup lookup, ILoggerFactory loggers, ILogger logger)
        : IFunctionInstance
    {
        private readonly Dictionary<(InstanceId Source, string Id), long> _functionBegins = [];
        private readonly Dictionary<string, long> _workflowBegins = new(StringComparer.Ordinal);
        private readonly Dictionary<LogicalFunctionId, double> _functionAverages = [];
        private double? _workflowAverage;
        private readonly RedisWriter _writer = new(connections, url, $"Resource {name} (metrics-collector)", latestOnly: false, settings.MaxQueuedWrites, loggers);
        private bool _warnedFull;

        public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            var now = Stopwatch.GetTimestamp();
            var text = Encoding.UTF8.GetString(message.Span).Trim();
            var parts = text.Split(':');
            if (parts.Length != 3 || parts[2].Length == 0 || parts[1] is not ("begin" or "end") || parts[0] is not ("function" or "workflow"))
            {
                LogMalformed(logger, name, text);
                return;
            }

            var (scope, phase, id) = (parts[0], parts[1], parts[2]);
            if (phase == "begin")
            {
                var added = scope == "function" ? TryBegin(_functionBegins, (source, id), now) : TryBegin(_workflowBegins, id, now);
                if (!added && !_warnedFull)
                {
                    _warnedFull = true;
                    LogTooManyPending(logger, name, settings.MaxPendingBegins);
                }

                return;
            }

            var found = scope == "function" ? _functionBegins.Remove((source, id), out var begin) : _workflowBegins.Remove(id, out begin);
            if (!found)
            {
                LogUnmatchedEnd(logger, name, text, source);
                return;
            }

            var milliseconds = (long)Math.Round(Stopwatch.GetElapsedTime(begin, now).TotalMilliseconds);
            var sample = MetricsKeys.Sample(milliseconds, DateTimeOffset.UtcNow);
            if (scope == "workflow")
            {
                _workflowAverage = Smooth(_workflowAverage, milliseconds);
                Store(MetricsKeys.WorkflowSamples(workflowName), sample, MetricsKeys.WorkflowAverage(workflowName), _workflowAverage.Value);
                return;
            }

            var lid = await FindLogicalIdAsync(source, cancellationToken).ConfigureAwait(false);
            if (lid is not { } logical)
            {
                Store(MetricsKeys.FunctionSamples(source), sample, null, 0);
                return;
            }

            var average = Smooth(_functionAverages.TryGetValue(logical, out var previous) ? previous : null, milliseconds);
            _functionAverages[logical] = average;
            Store(MetricsKeys.FunctionSamples(source), sample, MetricsKeys.FunctionAverage(logical), average);
        }

        public async Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            await CastAsync(source, message, cancellationToken).ConfigureAwait(false);
            return CallResult.Reply([]);
        }

        public Task StopAsync(CancellationToken cancellationToken) => _writer.StopAsync(TimeSpan.FromSeconds(2));

        public ValueTask DisposeAsync() => _writer.DisposeAsync();

        private bool TryBegin<TKey>(Dictionary<TKey, long> begins, TKey key, long now)
            where TKey : notnull
        {
            if (begins.Count >= settings.MaxPendingBegins && !begins.ContainsKey(key))
            {
                return false;
            }

            begins[key] = now;
            return true;
        }

        private double Smooth(double? previous, long sample) =>
            previous is { } p ? (settings.Alpha * sample) + ((1 - settings.Alpha) * p) : sample;

        private async Task<LogicalFunctionId?> FindLogicalIdAsync(InstanceId source, CancellationToken cancellationToken)
        {
            try
            {
                return await lookup.FindAsync(source, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogLookupFailed(logger, name, source, ex.Message);
                return null;
            }
        }

        private void Store(string samplesKey, string sample, string? averageKey, double average)
        {
            var averageText = MetricsKeys.Average(average);
            _writer.Post(async db =>
            {
                // Both commands go out together (pipelined); the sample is pushed first.
                var push = db.ListLeftPushAsync(samplesKey, sample);
                if (averageKey is not null)
                {
                    await db.StringSetAsync(averageKey, averageText).ConfigureAwait(false);
                }

                await push.ConfigureAwait(false);
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Resource}: ignored metric '{Text}' (expected function|workflow:begin|end:ID)")]
    private static partial void LogMalformed(ILogger logger, string resource, string text);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Resource}: '{Text}' from {Source} has no matching begin; ignored")]
    private static partial void LogUnmatchedEnd(ILogger logger, string resource, string text, InstanceId source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource}: {Max} begin events are waiting for their end; further begins are ignored until ends arrive")]
    private static partial void LogTooManyPending(ILogger logger, string resource, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource}: could not learn the logical function of {Source} ({Reason}); its sample is stored without updating an average")]
    private static partial void LogLookupFailed(ILogger logger, string resource, InstanceId source, string reason);
}
