using System.Runtime.CompilerServices;
using Granary.Runtime.Testing;
using StackExchange.Redis;

namespace Granary.Runtime.Tests.Redis;

/// <summary>
/// A throwaway redis-server child process on a free loopback port, without persistence, shared by the Redis test
/// classes and killed when they are done. Fails clearly when the binary is not installed.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _connection;

    public int Port => _server?.Port ?? throw new InvalidOperationException("Fixture not initialised.");

    public string ConnectionString => $"redis://127.0.0.1:{Port}/0";

    /// <summary>The tests' own view of what the providers wrote (StackExchange.Redis, database 0).</summary>
    public RedisChecks Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port}");
        Database = new RedisChecks(_connection.GetDatabase(0));
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

/// <summary>The reads the Redis provider tests check with, in the shapes they assert on.</summary>
public sealed class RedisChecks(IDatabase db)
{
    public Task<bool> KeyExistsAsync(string key) => db.KeyExistsAsync(key);

    public async Task<Dictionary<string, string>> HashGetAllAsync(string key) =>
        (await db.HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);

    public async IAsyncEnumerable<string> ScanAsync(string pattern, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var server in db.Multiplexer.GetServers())
        {
            await foreach (var key in server.KeysAsync(db.Database, pattern).WithCancellation(cancellationToken))
            {
                yield return key.ToString();
            }
        }
    }

    public Task<StreamPendingMessageInfo[]> StreamPendingAsync(string key, string group) =>
        db.StreamPendingMessagesAsync(key, group, count: 10_000, consumerName: RedisValue.Null);

    /// <summary>Runs a command whose reply is an array (XINFO GROUPS ...), telling how many elements it has.</summary>
    public async Task<ArrayReply> ExecuteAsync(string command, object[] args) =>
        new(((RedisResult[])(await db.ExecuteAsync(command, args))!).Length);

    /// <summary>The size of an array reply.</summary>
    public sealed record ArrayReply(int Count);
}
