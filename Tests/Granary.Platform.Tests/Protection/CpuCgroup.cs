using System.Diagnostics;

namespace Granary.Platform.Tests.Protection;

/// <summary>
/// A cgroup of this test's own (cgroup v2 when the host has it, else v1's cpuacct hierarchy), whose CPU time a node
/// measures as its CPU use, so that the test sees the CPU its own burners use and not the rest of a shared machine.
/// Busy loops started in it are killed and the cgroup removed on dispose.
/// </summary>
internal sealed class CpuCgroup : IDisposable
{
    private readonly List<Process> _burners = [];

    private CpuCgroup(string path) => Path = path;

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    public static CpuCgroup Create()
    {
        var name = $"granary-test-{Guid.NewGuid():N}";
        var path = File.Exists("/sys/fs/cgroup/cgroup.controllers")
            ? System.IO.Path.Combine("/sys/fs/cgroup", name)
            : System.IO.Path.Combine("/sys/fs/cgroup/cpuacct", name);
        Directory.CreateDirectory(path);
        return new CpuCgroup(path);
    }

    /// <summary>
    /// Starts <paramref name="count"/> shell busy loops in the cgroup (each joins it before it starts burning), each
    /// ending by itself after <paramref name="limit"/> at the latest.
    /// </summary>
    public void Burn(int count, TimeSpan limit)
    {
        for (var i = 0; i < count; i++)
        {
            var script = $"echo $$ > '{System.IO.Path.Combine(Path, "cgroup.procs")}' && exec timeout {(int)limit.TotalSeconds} sh -c 'while :; do :; done'";
            var burner = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("sh did not start");
            _burners.Add(burner);
        }
    }

    /// <summary>Kills the busy loops.</summary>
    public void StopBurning()
    {
        foreach (var burner in _burners)
        {
            try
            {
                burner.Kill(entireProcessTree: true);
                burner.WaitForExit(5_000);
            }
            catch (InvalidOperationException)
            {
                // It already ended.
            }

            burner.Dispose();
        }

        _burners.Clear();
    }

    public void Dispose()
    {
        StopBurning();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                Directory.Delete(Path);
                return;
            }
            catch (IOException)
            {
                // Its last processes are still leaving it.
                Thread.Sleep(100);
            }
        }
    }
}
