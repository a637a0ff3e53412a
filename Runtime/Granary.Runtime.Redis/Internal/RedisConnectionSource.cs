using Granary.Redis;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Redis;

/// <summary>
/// One multiplexed Redis connection for a provider, opened on first use (DI constructs providers synchronously)
/// and closed when the silo's service provider is disposed.
/// </summary>
internal sealed class RedisConnectionSource(string connectionString, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RedisConnection? _connection;
    private bool _disposed;

    public async ValueTask<IRedisDatabase> GetDatabaseAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _connection) is { } ready)
        {
            return ready.GetDatabase();
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is null)
            {
                var connection = await RedisConnection.ConnectAsync(connectionString, loggerFactory, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _connection, connection);
            }

            return _connection!.GetDatabase();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_connection is { } connection)
            {
                _connection = null;
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
