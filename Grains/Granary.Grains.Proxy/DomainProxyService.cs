using Granary.Grains.Redis;
using Granary.Grains.Domains;
using Granary.Grains.Nodes;
using Granary.Grains.Platform;
using Granary.Grains.Proxy.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Granary.Grains.Proxy;

/// <summary>
/// The Redis proxy of one domain, on an orchestrator silo. Every interval (the domain's keep-alive interval unless
/// configured) it takes the intents queued in Redis and applies them head to tail (migrate →
/// <see cref="IDomainGrain.Migrate"/>, cordon → <see cref="IDomainGrain.Cordon"/>; infeasible or malformed ones are
/// logged and dropped), then mirrors the domain's <see cref="IDomainGrain.Snapshot"/> with
/// <see cref="RedisProxyMirror"/> (the first write flushes the database). All Redis I/O happens here, never inside
/// the domain grain, so placement never waits for Redis. While Redis is unreachable orchestration goes on, the proxy
/// logs a warning, and it resynchronises the mirror when Redis answers again. The connection is the process's shared
/// multiplexer for that server (<see cref="RedisConnectionRegistry"/>), which reconnects by itself.
/// </summary>
internal sealed partial class DomainProxyService(
    IGrainFactory grains,
    RedisConnectionRegistry redisConnections,
    IOptions<ProxyOptions> proxyOptions,
    IOptions<DomainOptions> domainOptions,
    IOptions<NodeOptions> nodeOptions,
    ILoggerFactory loggerFactory,
    TimeProvider time) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DomainProxyService>();
    private readonly ProxyOptions _options = proxyOptions.Value;
    private ConfigurationOptions _redis = null!;

    private string DomainId => _options.DomainId ?? nodeOptions.Value.DomainId;

    private TimeSpan Interval => _options.Interval ?? domainOptions.Value.KeepAliveInterval;

    /// <summary>Checks the configuration first, so a bad one stops the host with a message naming the setting.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _redis = _options.ToRedisConfiguration();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = await ConnectAsync(stoppingToken).ConfigureAwait(false);
        if (connection is null)
        {
            return;
        }

        LogStarted(_logger, DomainId, RedisUrl.Describe(_redis), Interval);
        var db = connection.GetDatabase(_redis.DefaultDatabase ?? 0);
        var mirror = new RedisProxyMirror(db, loggerFactory.CreateLogger<RedisProxyMirror>(), _options.MaxPerformanceSamples);
        var intents = new ProxyIntentReader(db);
        var domain = grains.GetGrain<IDomainGrain>(DomainId);
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await RunOnceAsync(domain, mirror, intents, stoppingToken).ConfigureAwait(false);
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One round: intents (only while Redis answers), then the mirror.</summary>
    private async Task RunOnceAsync(IDomainGrain domain, RedisProxyMirror mirror, ProxyIntentReader intents, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await SnapshotAsync(domain).ConfigureAwait(false);
            if (!mirror.Degraded && await ApplyIntentsAsync(domain, intents, snapshot, cancellationToken).ConfigureAwait(false) > 0)
            {
                // Publish what the intents changed now rather than one interval later.
                snapshot = await SnapshotAsync(domain).ConfigureAwait(false);
            }

            await mirror.MirrorAsync(snapshot, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogRoundFailed(_logger, DomainId, ex.Message);
        }
    }

    private async Task<DomainSnapshot> SnapshotAsync(IDomainGrain domain)
    {
        return await domain.Snapshot().WaitAsync(2 * Interval).ConfigureAwait(false);
    }

    /// <summary>Takes every queued intent and applies them in order; returns how many were applied.</summary>
    private async Task<int> ApplyIntentsAsync(IDomainGrain domain, ProxyIntentReader reader, DomainSnapshot snapshot, CancellationToken cancellationToken)
    {
        IReadOnlyList<ProxyIntent> intents;
        try
        {
            intents = await reader.TakeAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The mirror's write that follows reports the outage once; intents wait in Redis.
            LogIntentsUnreadable(_logger, ex.Message);
            return 0;
        }

        var applied = 0;
        foreach (var intent in intents)
        {
            try
            {
                switch (intent)
                {
                    case MigrateIntent migrate when ResolveNode(migrate.Node, snapshot) is { } target:
                        await domain.Migrate(migrate.Function, target).ConfigureAwait(false);
                        break;
                    case CordonIntent cordon when ResolveNode(cordon.Node, snapshot) is { } target:
                        await domain.Cordon(target, cordon.Cordon).ConfigureAwait(false);
                        break;
                    case MigrateIntent migrate:
                        LogIntentIgnored(_logger, intent.Key, $"node '{migrate.Node}' is not registered with domain {DomainId}");
                        continue;
                    case CordonIntent cordon:
                        LogIntentIgnored(_logger, intent.Key, $"node '{cordon.Node}' is not registered with domain {DomainId}");
                        continue;
                    case InvalidIntent invalid:
                        LogIntentIgnored(_logger, intent.Key, invalid.Reason);
                        continue;
                    default:
                        LogIntentIgnored(_logger, intent.Key, $"unsupported intent {intent.GetType().Name}");
                        continue;
                }

                applied++;
                LogIntentApplied(_logger, intent.Key);
            }
            catch (DomainRequestRejectedException ex)
            {
                LogIntentIgnored(_logger, intent.Key, ex.Message);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogIntentIgnored(_logger, intent.Key, $"the domain could not apply it: {ex.Message}");
            }
        }

        return applied;
    }

    /// <summary>A node id (UUID), or the name of a registered node; null for a name no registered node has.</summary>
    private static Guid? ResolveNode(string node, DomainSnapshot snapshot) =>
        Guid.TryParse(node, out var id)
            ? id
            : snapshot.Nodes.FirstOrDefault(n => n.Descriptor.Name.Length > 0 && string.Equals(n.Descriptor.Name, node, StringComparison.Ordinal))?.Descriptor.NodeId;

    /// <summary>
    /// The shared multiplexer for the proxy's server. It comes back even while Redis is down (it connects in the
    /// background; the mirror's first write then reports the outage); only a connection that cannot even be set up is
    /// retried here, every interval. Null when the host stops first.
    /// </summary>
    private async Task<IConnectionMultiplexer?> ConnectAsync(CancellationToken stoppingToken)
    {
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                return await redisConnections.GetAsync(_redis, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                if (!warned)
                {
                    LogUnreachable(_logger, RedisUrl.Describe(_redis), ex.Message);
                    warned = true;
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy of domain {Domain} mirrors to Redis {Redis} every {Interval}")]
    private static partial void LogStarted(ILogger logger, string domain, string redis, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy cannot reach Redis {Redis} ({Reason}); orchestration continues, retrying")]
    private static partial void LogUnreachable(ILogger logger, string redis, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Proxy cannot read intents ({Reason})")]
    private static partial void LogIntentsUnreadable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy intent {Key} applied")]
    private static partial void LogIntentApplied(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy intent {Key} ignored: {Reason}")]
    private static partial void LogIntentIgnored(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy round for domain {Domain} failed: {Reason}")]
    private static partial void LogRoundFailed(ILogger logger, string domain, string reason);
}
