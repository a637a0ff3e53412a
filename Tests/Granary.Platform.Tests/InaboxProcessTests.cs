using System.Diagnostics;
using Granary.Runtime.Testing;

namespace Granary.Platform.Tests;

/// <summary>The all-in-one host as a real process, as the README's first command runs it.</summary>
public sealed class InaboxProcessTests
{
    [Fact]
    public async Task The_all_in_one_host_runs_the_sample_workflow_whose_log_grows_every_period()
    {
        var dir = Directory.CreateTempSubdirectory("granary-inabox-");
        var logFile = Path.Combine(dir.FullName, "sample.log");
        var silo = Path.Combine(AppContext.BaseDirectory, "granary-silo.dll");
        var metricsPort = LoopbackPorts.Free();
        var psi = new ProcessStartInfo("dotnet", [silo, "--role", "inabox", $"--Granary:Silo:Port={LoopbackPorts.Free()}",
            $"--Granary:Sample:LogFile={logFile}", "--Granary:Sample:PeriodMs=200",
            $"--Granary:Node:MetricsPort={metricsPort}", "--Granary:Node:HttpIngress:Url=http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir.FullName,
        };
        using var process = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (LineCount(logFile) < 5)
            {
                Assert.False(process.HasExited, $"the host exited with {(process.HasExited ? process.ExitCode : 0)}:\n{output}");
                Assert.True(DateTime.UtcNow < deadline, $"the sample log did not grow to 5 lines; host output:\n{output}");
                await Task.Delay(100);
            }

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
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            dir.Delete(recursive: true);
        }
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
