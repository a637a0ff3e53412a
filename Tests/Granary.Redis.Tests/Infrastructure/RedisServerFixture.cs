namespace Granary.Redis.Tests.Infrastructure;

/// <summary>One redis-server and one connection to it, shared by the tests of a class (each class gets its own server).</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private RedisConnection? _connection;

    public RedisServer Server => _server ?? throw new InvalidOperationException("Fixture not initialised.");

    public RedisConnection Connection => _connection ?? throw new InvalidOperationException("Fixture not initialised.");

    public IRedisDatabase Db => Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
