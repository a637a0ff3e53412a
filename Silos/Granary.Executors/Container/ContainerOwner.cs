using System.Diagnostics;
using System.Globalization;

namespace Granary.Executors.Container;

/// <summary>
/// Which node process created a container: <c>HOST/PID/START</c> (the machine name, the process id and the process's
/// start time in Unix milliseconds), stored in label <see cref="ContainerLabels.Owner"/>. A node that died without
/// removing its containers leaves them behind; the next node process on the same host recognises them because their
/// owner is no longer running (no such process, or a process with that id that started at another time) and removes
/// them. Containers of live node processes, and of other hosts sharing the engine, are never touched.
/// </summary>
internal static class ContainerOwner
{
    /// <summary>The owner value of this process.</summary>
    public static string Current { get; } = Format(Environment.MachineName, Environment.ProcessId, StartOf(Process.GetCurrentProcess()));

    public static string Format(string host, int pid, long startMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{host}/{pid}/{startMs}");

    /// <summary>
    /// True when <paramref name="owner"/> names a process of this host that is gone. False for this host's live
    /// processes, for other hosts, and for values that are not owner values.
    /// </summary>
    public static bool IsGoneOnThisHost(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var startMs))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return StartOf(process) != startMs;
        }
        catch (ArgumentException)
        {
            // No process with that id is running.
            return true;
        }
        catch (InvalidOperationException)
        {
            // The process exited while being looked at.
            return true;
        }
    }

    private static long StartOf(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
}
