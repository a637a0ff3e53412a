using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Granary.Redis;

namespace Granary.Runtime.Tests.Redis;

/// <summary>
/// A throwaway redis-server child process on a free loopback port, without persistence, shared by the Redis test
/// classes and killed when they are done. Fails clearly when the binary is not installed.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    public string ConnectionString => $"redis://127.0.0.1:{Port}/0";

    /// <summary>A connection for the tests' own checks of what the providers wrote.</summary>
    public RedisConnection Connection { get; private set; } = null!;

    public IRedisDatabase Database => Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        var binary = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server was not found on PATH; the Redis integration tests need it (Debian: apt-get install -y redis-server).");
        Port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var output = _process.StandardOutput.ReadToEndAsync();
        var deadline = Environment.TickCount64 + 10_000;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}: {await output}");
            }

            try
            {
                Connection = await RedisConnection.ConnectAsync(ConnectionString);
                return;
            }
            catch (RedisConnectionException) when (Environment.TickCount64 < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
