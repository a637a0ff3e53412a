using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Granary.Testing;

/// <summary>
/// The all-in-one host (<c>granary-silo --role inabox</c>) as a real process, as the README's first command runs it,
/// started from the test's output folder (the test project references Granary.Silo). Silo, gateway, http-ingress and
/// dashboard ports are free ones and /metrics is off, so tests run beside each other and beside a developer's own
/// all-in-one cluster; later settings win.
/// </summary>
public sealed partial class InaboxProcess : IAsyncDisposable
{
    private InaboxProcess(Process process, StringBuilder output, int siloPort, int gatewayPort)
    {
        Process = process;
        Output = output;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The host process.</summary>
    public Process Process { get; }

    /// <summary>Everything the host wrote to stdout and stderr so far (lock it to read).</summary>
    public StringBuilder Output { get; }

    /// <summary>The port of the host's silo endpoint on 127.0.0.1.</summary>
    public int SiloPort { get; }

    /// <summary>The port of the host's Orleans gateway on 127.0.0.1.</summary>
    public int GatewayPort { get; }

    /// <summary>Starts the host in <paramref name="workingDirectory"/> with extra <paramref name="settings"/>.</summary>
    public static InaboxProcess Start(string workingDirectory, params string[] settings)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "granary-silo.dll");
        var siloPort = LoopbackPorts.Free();
        var gatewayPort = LoopbackPorts.Free();
        var psi = new ProcessStartInfo("dotnet", [silo, "--role", "inabox", $"--Granary:Silo:Port={siloPort}", $"--Granary:Silo:GatewayPort={gatewayPort}",
            "--Granary:Node:MetricsPort=0", "--Granary:Node:HttpIngress:Url=http://127.0.0.1:0", "--Granary:Dashboard:Url=http://127.0.0.1:0", .. settings])
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
        return new InaboxProcess(process, output, siloPort, gatewayPort);
    }

    /// <summary>The two parts the older tests use: the process and its output.</summary>
    public void Deconstruct(out Process process, out StringBuilder output)
    {
        process = Process;
        output = Output;
    }

    /// <summary>
    /// The dashboard's base URL as the host prints it once it listens (e.g. <c>http://127.0.0.1:41234</c>); fails when
    /// the host exits or prints none within <paramref name="timeout"/>.
    /// </summary>
    public async Task<Uri> DashboardUrlAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string text;
            lock (Output)
            {
                text = Output.ToString();
            }

            if (DashboardLine().Match(text) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }

            if (Process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The host printed no dashboard URL (exited: {Process.HasExited}):\n{text}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills the host (and its children) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync();
        Process.Dispose();
    }

    [GeneratedRegex(@"Granary dashboard: (http://\S+?)/ ")]
    private static partial Regex DashboardLine();
}
