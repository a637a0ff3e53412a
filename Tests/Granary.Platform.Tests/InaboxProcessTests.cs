using Granary.Grains.Redis;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Granary.Grains.Proxy.Redis;
using Granary.Testing;
using StackExchange.Redis;

namespace Granary.Platform.Tests;

/// <summary>The all-in-one host as a real process, as the README's first command runs it.</summary>
public sealed class InaboxProcessTests
{
    [Fact]
    public async Task The_all_in_one_host_runs_the_sample_workflow_whose_log_grows_every_period()
    {
        var dir = Directory.CreateTempSubdirectory("granary-inabox-");
        var logFile = Path.Combine(dir.FullName, "sample.log");
        var metricsPort = LoopbackPorts.Free();
        var (process, output) = StartHost(dir.FullName, $"--Granary:Sample:LogFile={logFile}", "--Granary:Sample:PeriodMs=200", $"--Granary:Node:MetricsPort={metricsPort}");
        try
        {
            await WaitForLinesAsync(process, output, logFile, 5);
            var first = LineCount(logFile);
            await Task.Delay(1000);
            Assert.True(LineCount(logFile) > first, "the sample log stopped growing");
            Assert.Contains("hello world", File.ReadAllLines(logFile)[0]);
            Assert.Contains("from node_id", File.ReadAllLines(logFile)[0]);

            using var http = new HttpClient();
            var metrics = PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics"));
            Assert.True(metrics.Sum("granary_node_instance_events_total", l => l["kind"] == "file-log") >= 5, "the node's /metrics does not count the file-log's events");
        }
        finally
        {
            await StopAsync(process, dir);
        }
    }

    [Fact]
    public async Task Ctrl_c_stops_the_host_with_every_instance_stopped_and_none_reported_as_crashed()
    {
        var dir = Directory.CreateTempSubdirectory("granary-inabox-");
        var logFile = Path.Combine(dir.FullName, "sample.log");
        var (process, output) = StartHost(dir.FullName, $"--Granary:Sample:LogFile={logFile}", "--Granary:Sample:PeriodMs=100");
        try
        {
            await WaitForLinesAsync(process, output, logFile, 3);
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(deadline.Token);
            var log = output.ToString();
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{log}");

            Assert.Matches("Stopped instance .* of my-log", log);
            Assert.Matches("Stopped instance .* of my-message-generator", log);
            Assert.DoesNotContain("crashed", log, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("fail:", log, StringComparison.Ordinal);
        }
        finally
        {
            await StopAsync(process, dir);
        }
    }

    [Fact]
    public async Task With_a_redis_proxy_configured_the_host_mirrors_its_domain_into_redis()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(redis.ConnectionString));
        var db = connection.GetDatabase();
        var dir = Directory.CreateTempSubdirectory("granary-inabox-");
        var logFile = Path.Combine(dir.FullName, "sample.log");
        var (process, output) = StartHost(dir.FullName, $"--Granary:Sample:LogFile={logFile}", "--Granary:Sample:PeriodMs=200",
            "--Granary:Proxy:Type=Redis", $"--Granary:Proxy:Url={redis.ConnectionString}");
        try
        {
            await WaitForLinesAsync(process, output, logFile, 3);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string? generator = null;
            while (generator is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no instance key names the sample generator; host output:\n{output}");
                await Task.Delay(200);
                await foreach (var key in RedisKeys.ScanAsync(db, "instance:*"))
                {
                    using var instance = JsonDocument.Parse((await db.StringGetAsync(key)).ToString()!);
                    if (instance.RootElement.GetProperty("annotations").TryGetProperty("init-payload", out var payload) && payload.GetString()!.Contains("hello world", StringComparison.Ordinal))
                    {
                        generator = key;
                    }
                }
            }

            Assert.Equal("domain-1", (await db.StringGetAsync("domain_info:domain_id")).ToString());
        }
        finally
        {
            await StopAsync(process, dir);
        }
    }

    [Fact]
    public async Task An_unknown_proxy_type_stops_the_host_with_a_message_naming_the_setting()
    {
        var dir = Directory.CreateTempSubdirectory("granary-inabox-");
        var (process, output) = StartHost(dir.FullName, "--Granary:Sample:Enabled=false", "--Granary:Proxy:Type=Memcached");
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            process.WaitForExit();
            Assert.NotEqual(0, process.ExitCode);
            lock (output)
            {
                Assert.Contains("Granary:Proxy:Type 'Memcached' is not supported", output.ToString());
            }
        }
        finally
        {
            await StopAsync(process, dir);
        }
    }

    private static (Process Process, StringBuilder Output) StartHost(string workingDirectory, params string[] settings)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "granary-silo.dll");
        // Free ports for the silo and the node's http-ingress, /metrics off: tests run beside each other and beside a
        // developer's own all-in-one cluster. Later settings win, so a test can still turn /metrics on.
        var psi = new ProcessStartInfo("dotnet", [silo, "--role", "inabox", $"--Granary:Silo:Port={LoopbackPorts.Free()}", $"--Granary:Silo:GatewayPort={LoopbackPorts.Free()}",
            "--Granary:Node:MetricsPort=0", "--Granary:Node:HttpIngress:Url=http://127.0.0.1:0", "--Granary:Protection:Enabled=false", .. settings])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        var process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static async Task WaitForLinesAsync(Process process, StringBuilder output, string logFile, int lines)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (LineCount(logFile) < lines)
        {
            Assert.False(process.HasExited, $"the host exited with {(process.HasExited ? process.ExitCode : 0)}:\n{output}");
            Assert.True(DateTime.UtcNow < deadline, $"the sample log did not grow to {lines} lines; host output:\n{output}");
            await Task.Delay(100);
        }
    }

    private static async Task StopAsync(Process process, DirectoryInfo dir)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        dir.Delete(recursive: true);
    }

    private static int LineCount(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
