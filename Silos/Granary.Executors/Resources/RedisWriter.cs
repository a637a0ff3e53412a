using Granary.Grains.Redis;
using System.Threading.Channels;
using Granary.Grains.Proxy.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Granary.Executors.Resources;

/// <summary>
/// Writes to one Redis server for a resource instance, off the instance's event loop, so a Redis outage never blocks
/// or crashes the instance: writes are queued, run on the process's shared multiplexer for that server (taken from
/// <see cref="RedisConnectionRegistry"/>, which reconnects by itself), and a failed write is retried with backoff until
/// Redis answers again. One warning is logged per outage and one
/// information line when Redis is back.
/// </summary>
/// <remarks>
/// With <c>latestOnly</c> only the newest queued write matters (SET of one key): a write that fails is dropped as soon
/// as a newer one is queued. Otherwise writes run in order; when more than <c>capacity</c> are waiting (a long
/// outage) the oldest are dropped, with a warning, so memory stays bounded.
/// </remarks>
internal sealed partial class RedisWriter : IAsyncDisposable
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly RedisConnectionRegistry _connections;
    private readonly string _url;
    private readonly string _owner;
    private readonly bool _latestOnly;
    private readonly ILogger _logger;
    private readonly Channel<Func<IDatabase, Task>> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private IDatabase? _database;
    private long _dropped;
    private int _disposed;
    private bool _failing;

    /// <param name="connections">The process's Redis connections.</param>
    /// <param name="url">The server, as a <c>redis://</c> URL (see <see cref="RedisUrl.Parse"/>).</param>
    /// <param name="owner">Who writes (the resource's name), for log lines.</param>
    /// <param name="latestOnly">True when only the newest write matters.</param>
    /// <param name="capacity">Most writes kept waiting during an outage.</param>
    /// <param name="loggers">Where the writer logs.</param>
    public RedisWriter(RedisConnectionRegistry connections, string url, string owner, bool latestOnly, int capacity, ILoggerFactory loggers)
    {
        _connections = connections;
        _url = url;
        Server = RedisUrl.Describe(RedisUrl.Parse(url));
        _owner = owner;
        _latestOnly = latestOnly;
        _logger = loggers.CreateLogger<RedisWriter>();
        _queue = Channel.CreateBounded<Func<IDatabase, Task>>(
            new BoundedChannelOptions(latestOnly ? 1 : Math.Max(1, capacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => OnDropped());
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The server this writer writes to (host:port/db).</summary>
    public string Server { get; }

    /// <summary>Writes dropped because too many were waiting (never counts writes replaced in latest-only mode).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="write"/>; it runs when Redis answers, retried until it succeeds or is superseded.</summary>
    public void Post(Func<IDatabase, Task> write) => _queue.Writer.TryWrite(write);

    /// <summary>
    /// Stops taking writes and gives the queued ones up to <paramref name="drain"/> to reach Redis. Writes still pending
    /// after that are lost (Redis was unreachable). The shared connection stays open for the rest of the process.
    /// </summary>
    public async Task StopAsync(TimeSpan drain)
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(drain)).ConfigureAwait(false) != _loop)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _loop.ConfigureAwait(false);
    }

    /// <summary>Stops at once (see <see cref="StopAsync"/>); calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            _stopping.Dispose();
        }
    }

    private void OnDropped()
    {
        if (_latestOnly)
        {
            return;
        }

        if (Interlocked.Increment(ref _dropped) % 1000 == 1)
        {
            LogDropped(_logger, _owner, Server, Dropped);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var token = _stopping.Token;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var write))
                {
                    await WriteUntilDoneAsync(write, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped with writes still waiting for Redis: they are lost, as StopAsync documents.
        }
    }

    private async Task WriteUntilDoneAsync(Func<IDatabase, Task> write, CancellationToken token)
    {
        var backoff = MinBackoff;
        while (true)
        {
            try
            {
                _database ??= await _connections.GetDatabaseAsync(_url, token).ConfigureAwait(false);

                // StackExchange.Redis commands take no token: stopping abandons the wait, not the command.
                await write(_database).WaitAsync(token).ConfigureAwait(false);
                if (_failing)
                {
                    _failing = false;
                    LogRecovered(_logger, _owner, Server);
                }

                return;
            }
            catch (RedisServerException ex) when (!IsTransient(ex))
            {
                // The server refused this write (WRONGTYPE, OOM, NOPERM...): retrying cannot help.
                LogRejected(_logger, _owner, Server, ex.Message);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or IOException && !token.IsCancellationRequested)
            {
                if (!_failing)
                {
                    _failing = true;
                    LogFailing(_logger, _owner, Server, ex.Message);
                }
            }

            await Task.Delay(backoff, token).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            if (_latestOnly && _queue.Reader.TryRead(out var newer))
            {
                write = newer;
            }
        }
    }

    /// <summary>Error replies that say "not now" (loading, busy script, failover) rather than "never".</summary>
    private static bool IsTransient(RedisServerException ex) =>
        ex.Message.StartsWith("LOADING", StringComparison.Ordinal) || ex.Message.StartsWith("BUSY", StringComparison.Ordinal)
        || ex.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || ex.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner} cannot write to Redis at {Server} ({Reason}); the instance keeps running and retries until Redis answers")]
    private static partial void LogFailing(ILogger logger, string owner, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner}: Redis at {Server} refused a write, which is dropped: {Reason}")]
    private static partial void LogRejected(ILogger logger, string owner, string server, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Owner} writes to Redis at {Server} again")]
    private static partial void LogRecovered(ILogger logger, string owner, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner}: Redis at {Server} is unreachable and too many writes are waiting; dropped the oldest ({Dropped} so far)")]
    private static partial void LogDropped(ILogger logger, string owner, string server, long dropped);
}
