using Granary.Grains.Redis;
using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Granary.Grains.Proxy.Redis;

/// <summary>
/// The process's Redis connections: one StackExchange.Redis <see cref="IConnectionMultiplexer"/> per server (host,
/// port, user, TLS), created on first use and shared by every component that talks to that server, whatever database
/// it uses (<see cref="GetDatabaseAsync(string, CancellationToken)"/> picks the URL's). Register it once with
/// <c>services.AddGranaryRedis()</c>; components take it from DI rather than connecting themselves, so the proxy,
/// the <c>redis</c> and <c>metrics-collector</c> resources (and the cluster's Redis providers, given
/// <see cref="GetAsync(ConfigurationOptions, CancellationToken)"/> as their multiplexer factory) share one socket.
/// </summary>
/// <remarks>
/// The first caller's options create a server's multiplexer (timeouts, client name); later callers get that
/// multiplexer whatever their own options say. Multiplexers are made with <c>abortConnect=false</c> by
/// <see cref="RedisUrl"/>: they are returned even while Redis is down and reconnect by themselves, commands failing
/// with <see cref="RedisConnectionException"/> or <see cref="RedisTimeoutException"/> meanwhile. Callers must not
/// dispose what they get: the registry closes every multiplexer when it is disposed (with the host). StackExchange.Redis
/// is given no logger: it reports every dropped socket as an error, while for Granary an outage is a warning that the
/// component meeting it logs once (with the client's own detailed message).
/// </remarks>
public sealed class RedisConnectionRegistry : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IConnectionMultiplexer>>> _connections = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>The multiplexer for the server of <paramref name="url"/> (a <c>redis://</c> URL, see <see cref="RedisUrl.Parse"/>).</summary>
    public Task<IConnectionMultiplexer> GetAsync(string url, CancellationToken cancellationToken = default) =>
        GetAsync(RedisUrl.Parse(url), cancellationToken);

    /// <summary>
    /// The multiplexer for the (first) endpoint of <paramref name="options"/>, connecting it on first use (the options
    /// are copied). <paramref name="cancellationToken"/> stops this caller's wait, not the connect others share.
    /// </summary>
    public Task<IConnectionMultiplexer> GetAsync(ConfigurationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException("The Redis options name no endpoint.", nameof(options));
        }

        var key = Key(options);
        var entry = _connections.GetOrAdd(key, k => new Lazy<Task<IConnectionMultiplexer>>(() => ConnectAsync(k, options.Clone())));
        return entry.Value.WaitAsync(cancellationToken);
    }

    /// <summary>The database <paramref name="url"/> names (0 when it names none) on its server's shared multiplexer.</summary>
    public async Task<IDatabase> GetDatabaseAsync(string url, CancellationToken cancellationToken = default)
    {
        var options = RedisUrl.Parse(url);
        var multiplexer = await GetAsync(options, cancellationToken).ConfigureAwait(false);
        return multiplexer.GetDatabase(options.DefaultDatabase ?? 0);
    }

    /// <summary>Closes every multiplexer; later calls to <see cref="GetAsync(ConfigurationOptions, CancellationToken)"/> throw.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var entry in _connections.Values)
        {
            try
            {
                var multiplexer = await entry.Value.ConfigureAwait(false);
                await multiplexer.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
                multiplexer.Dispose();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Shutting down with Redis gone: nothing left to close cleanly.
            }
        }

        _connections.Clear();
    }

    /// <summary>
    /// Closes every multiplexer without waiting for commands in flight (for containers disposed synchronously); one still
    /// connecting is disposed as soon as it is made.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var entry in _connections.Values)
        {
            _ = entry.Value.ContinueWith(
                connect => connect.Result.Dispose(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        _connections.Clear();
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(string key, ConfigurationOptions options)
    {
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        }
        catch
        {
            // Not cached, so the next caller tries again (with abortConnect=false only a bad configuration gets here).
            _connections.TryRemove(key, out _);
            throw;
        }
    }

    private static string Key(ConfigurationOptions options) =>
        $"{RedisUrl.Format(options.EndPoints[0]).ToLowerInvariant()}|{options.User}|{options.Ssl}";
}
