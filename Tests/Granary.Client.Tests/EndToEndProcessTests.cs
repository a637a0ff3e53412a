using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Granary.Cli;
using Granary.Examples;
using Granary.Testing;

namespace Granary.Client.Tests;

/// <summary>
/// Real processes on loopback: a controller, an orchestrator and two nodes (granary-silo), sharing a real
/// redis-server for membership, directory and grain state, driven with the granary command line.
/// </summary>
public sealed class EndToEndProcessTests : IAsyncLifetime
{
    private readonly List<(Process Process, System.Text.StringBuilder Output)> _silos = [];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("granary-e2e-");
    private RedisServerProcess _redis = null!;
    private int _gatewayPort;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        var cluster = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        _gatewayPort = FreePort();
        StartSilo("controller", _gatewayPort, cluster);
        StartSilo("orchestrator", FreePort(), cluster);
        StartSilo("node", FreePort(), cluster);
        StartSilo("node", FreePort(), cluster);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, _) in _silos)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        await _redis.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    /// <summary>Starts a silo process whose gateway listens on <paramref name="gatewayPort"/> (its silo port is a free one).</summary>
    private void StartSilo(string role, int gatewayPort, string cluster)
    {
        var psi = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "granary-silo.dll"), "--role", role,
            $"--Granary:Redis={_redis.ConnectionString}", $"--Granary:Silo:Port={FreePort()}", $"--Granary:Silo:GatewayPort={gatewayPort}",
            $"--Granary:Silo:ClusterId={cluster}",
            "--Granary:Node:RefreshInterval=00:00:01", "--Granary:Domain:KeepAliveInterval=00:00:01",

            // Protection would act on the test machine's real usage (Tests/Granary.Platform.Tests/Protection covers it).
            "--Granary:Protection:Enabled=false",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.FullName,
        };
        psi.Environment["GRANARY_CLUSTER_ID"] = cluster;
        var output = new System.Text.StringBuilder();
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine($"[{role}] {e.Data}"); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine($"[{role}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _silos.Add((process, output));
        Environment.SetEnvironmentVariable("GRANARY_CLUSTER_ID", cluster);
    }

    private async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await GranaryCli.RunAsync(["--gateway", $"127.0.0.1:{_gatewayPort}", .. args], output, error);
        return (code, output + error.ToString());
    }

    private string SiloLogs() => string.Join("\n", _silos.Select(s => { lock (s.Output) { return s.Output.ToString(); } }));

    [Fact]
    public async Task A_workflow_started_with_the_cli_runs_on_real_node_processes_and_stops()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var (code, text) = await CliAsync("node", "list");
            if (code == 0 && text.Split('\n').Count(l => l.Contains("DOTNET", StringComparison.Ordinal)) >= 2)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"two nodes never appeared; last output:\n{text}\nsilo logs:\n{SiloLogs()}");
            await Task.Delay(500);
        }

        var log = Path.Combine(_dir.FullName, "e2e.log");
        var spec = Path.Combine(_dir.FullName, "workflow.json");
        await File.WriteAllTextAsync(spec, $$"""
            {
              "functions": [{
                "name": "gen",
                "class_specification": { "id": "{{typeof(MessageGenerator).FullName}}", "function_type": "DOTNET", "version": "1",
                  "code": {{System.Text.Json.JsonSerializer.Serialize(typeof(MessageGenerator).Assembly.Location)}}, "outputs": [] },
                "output_mapping": { "output": "log" },
                "annotations": { "init-payload": "message=from e2e,period=200" }
              }],
              "resources": [{ "name": "log", "class_type": "file-log", "output_mapping": {},
                "configurations": { "filename": {{System.Text.Json.JsonSerializer.Serialize(log)}}, "add-timestamp": "false" } }],
              "annotations": {}
            }
            """);

        // A second client follows the events, finding the gateways in Redis; they travel on Redis Streams.
        using var stopEvents = new CancellationTokenSource();
        var eventsText = new StringWriter();
        var eventsOut = TextWriter.Synchronized(eventsText);
        var events = GranaryCli.RunAsync(["events", "--redis", _redis.ConnectionString], eventsOut, TextWriter.Synchronized(new StringWriter()), stopEvents.Token);
        string EventsSoFar()
        {
            lock (eventsOut)
            {
                return eventsText.ToString();
            }
        }

        while (!EventsSoFar().Contains("Following the events of", StringComparison.Ordinal))
        {
            Assert.False(events.IsCompleted, $"granary events ended: {EventsSoFar()}");
            Assert.True(DateTime.UtcNow < deadline, "granary events did not start");
            await Task.Delay(100);
        }

        var started = await CliAsync("workflow", "start", spec);
        Assert.True(started.Code == 0, started.Output + "\n" + SiloLogs());
        while (!File.Exists(log) || File.ReadAllLines(log).Length < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workflow wrote nothing\n{SiloLogs()}");
            await Task.Delay(200);
        }

        Assert.Contains("from e2e", File.ReadAllLines(log)[0]);
        while (!EventsSoFar().Contains("WorkflowStarted", StringComparison.Ordinal) || !EventsSoFar().Contains("InstanceStarted", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"granary events printed no start of the workflow and its instances:\n{EventsSoFar()}\n{SiloLogs()}");
            await Task.Delay(100);
        }

        await stopEvents.CancelAsync();
        Assert.Equal(0, await events);
        var listed = await CliAsync("workflow", "list");
        Assert.Equal(0, listed.Code);
        var stopped = await CliAsync("workflow", "stop", "all");
        Assert.Equal(0, stopped.Code);
        await Task.Delay(1000);
        var lines = File.ReadAllLines(log).Length;
        await Task.Delay(1000);
        Assert.Equal(lines, File.ReadAllLines(log).Length);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
