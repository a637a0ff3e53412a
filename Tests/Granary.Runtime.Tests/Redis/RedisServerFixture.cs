using Granary.Runtime.Testing;
using Granary.Redis;

namespace Granary.Runtime.Tests.Redis;

/// <summary>
/// A throwaway redis-server child process on a free loopback port, without persistence, shared by the Redis test
/// classes and killed when they are done. Fails clearly when the binary is not installed.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public int Port => _server?.Port ?? throw new InvalidOperationException("Fixture not initialised.");

    public string ConnectionString => $"redis://127.0.0.1:{Port}/0";

    /// <summary>A connection for the tests' own checks of what the providers wrote.</summary>
    public RedisConnection Connection { get; private set; } = null!;

    public IRedisDatabase Database => Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        Connection = await RedisConnection.ConnectAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
