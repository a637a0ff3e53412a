using Granary.Redis.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Redis;

/// <summary>
/// The Granary RESP client: one multiplexed, self-healing connection to a Redis server. Create one per server at
/// startup with <see cref="ConnectAsync(RedisOptions, ILoggerFactory?, CancellationToken)"/>, share it everywhere,
/// dispose it at shutdown. See the package README for timeouts and reconnect semantics.
/// </summary>
public sealed class RedisConnection : IRedisConnection
{
    private readonly ConnectionCore _core;
    private readonly RedisDatabase _database;
    private readonly RedisSubscriber _subscriber;
    private readonly SemaphoreSlim _transactionGate = new(1, 1);

    private RedisConnection(RedisOptions options, ILogger logger)
    {
        _core = new ConnectionCore(options, logger, "interactive");
        _database = new RedisDatabase(_core, _transactionGate);
        _subscriber = new RedisSubscriber(options, logger, _core);
        EndPoint = $"{options.Host}:{options.Port}";
    }

    /// <inheritdoc/>
    public string EndPoint { get; }

    /// <inheritdoc/>
    public bool IsConnected => _core.IsConnected;

    internal ConnectionCore Core => _core;

    /// <summary>
    /// Connects to the server described by <paramref name="options"/> (validated and copied). Retries with backoff
    /// for up to <see cref="RedisOptions.ConnectTimeout"/>, then throws <see cref="RedisConnectionException"/> with
    /// the last error; a rejected AUTH or SELECT throws at once. After this returns the connection reconnects by
    /// itself whenever it drops.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisConnection>();
        var connection = new RedisConnection(copy, logger);
        await connection._core.StartAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Parses <paramref name="connectionString"/> with <see cref="RedisOptions.Parse"/> and connects.</summary>
    public static Task<RedisConnection> ConnectAsync(string connectionString, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(RedisOptions.Parse(connectionString), loggerFactory, cancellationToken);

    /// <inheritdoc/>
    public IRedisDatabase GetDatabase() => _database;

    /// <inheritdoc/>
    public IRedisSubscriber GetSubscriber() => _subscriber;

    /// <summary>
    /// Closes both sockets. Commands still queued or awaiting replies fail with
    /// <see cref="ObjectDisposedException"/> or <see cref="RedisConnectionException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _subscriber.DisposeAsync().ConfigureAwait(false);
        await _core.DisposeAsync().ConfigureAwait(false);
        _transactionGate.Dispose();
    }
}
