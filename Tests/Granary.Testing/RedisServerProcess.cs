using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Granary.Testing;

/// <summary>
/// A throwaway redis-server child process on a free loopback port, without persistence, for integration tests and
/// benchmarks. Fails clearly when the binary is not installed; killed on dispose.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private Process? _process;

    private RedisServerProcess(string binary, int port, string[] extraArgs)
    {
        Binary = binary;
        Port = port;
        ExtraArgs = extraArgs;
    }

    public int Port { get; }

    public string Binary { get; }

    private string[] ExtraArgs { get; }

    /// <summary>redis://127.0.0.1:PORT/0</summary>
    public string ConnectionString => $"redis://127.0.0.1:{Port}/0";

    /// <summary>Starts a server on a free port and waits until it answers PING.</summary>
    public static async Task<RedisServerProcess> StartAsync(params string[] extraArgs)
    {
        var binary = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server was not found on PATH; Redis tests need it (Debian: apt-get install -y redis-server; scripts/install-deps.sh does it).");
        var server = new RedisServerProcess(binary, FreePort(), extraArgs);
        await server.StartProcessAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Kills the server abruptly (SIGKILL; its data is lost: it runs without persistence).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Kills the server abruptly (see <see cref="Kill"/>).</summary>
    public Task KillAsync()
    {
        Kill();
        return Task.CompletedTask;
    }

    /// <summary>Starts the server again on the same port (after <see cref="KillAsync"/>).</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" }.Concat(ExtraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Binary}.");
        var output = _process.StandardOutput.ReadToEndAsync();
        var deadline = Environment.TickCount64 + 10_000;
        while (!await AnswersPingAsync().ConfigureAwait(false))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}: {await output.ConfigureAwait(false)}");
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within 10 s.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray()).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
            // Any reply means the server is up (a server with a password answers -NOAUTH).
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            return reply.StartsWith('+') || reply.StartsWith('-');
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await KillAsync().ConfigureAwait(false);
}
