using System.Diagnostics;
using System.Globalization;

namespace Granary.Executors.Tests;

/// <summary>Runs the real <c>redis-cli</c> against a test server, as an operator would.</summary>
public static class RedisCli
{
    /// <summary>Runs <c>redis-cli -h 127.0.0.1 -p PORT ARGS...</c> and returns its standard output without the final newline.</summary>
    public static async Task<string> RunAsync(int port, params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-cli (Debian: apt-get install -y redis-tools).");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', args)} exited with {process.ExitCode}: {await error}");
        }

        return (await output).TrimEnd('\n');
    }
}
