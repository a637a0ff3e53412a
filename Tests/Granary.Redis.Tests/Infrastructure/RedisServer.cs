using Granary.Testing;

namespace Granary.Redis.Tests.Infrastructure;

/// <summary>
/// A real redis-server child process on a free loopback port, without persistence. Fails clearly when
/// redis-server is not on PATH (scripts/install-deps.sh installs it). Killed on dispose.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly RedisServerProcess _process;

    private RedisServer(RedisServerProcess process)
    {
        _process = process;
    }

    public int Port => _process.Port;

    public string ConnectionString => $"redis://127.0.0.1:{Port}";

    /// <summary>Starts redis-server on a free port with DEBUG enabled (the protocol tests use DEBUG PROTOCOL and DEBUG SLEEP).</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArgs) =>
        new(await RedisServerProcess.StartAsync(["--enable-debug-command", "yes", .. extraArgs]));

    public RedisOptions Options(Action<RedisOptions>? configure = null)
    {
        var options = new RedisOptions
        {
            Host = "127.0.0.1",
            Port = Port,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return options;
    }

    public Task<RedisConnection> ConnectAsync(Action<RedisOptions>? configure = null) => RedisConnection.ConnectAsync(Options(configure));

    /// <summary>Kills the process (SIGKILL): open connections are reset without a reply.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Starts the server again on the same port (empty: no persistence).</summary>
    public Task RestartAsync() => _process.RestartAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
