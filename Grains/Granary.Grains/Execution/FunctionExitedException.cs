namespace Granary.Grains.Execution;

/// <summary>
/// The instance's own process or program ended with an exit code (a container's process exited). Thrown from a
/// callback, or found among the inner exceptions of what a callback threw, it tells the node the exit code, which the
/// domain reads as the task's end: 0 completes it, anything else fails it.
/// </summary>
public sealed class FunctionExitedException(int exitCode, string message) : Exception(message)
{
    /// <summary>The exit code (a container's exit status; 128 + N when killed by signal N).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The exit code carried by <paramref name="exception"/> or one of its inner exceptions; null when none does.</summary>
    public static int? ExitCodeOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is FunctionExitedException exited)
            {
                return exited.ExitCode;
            }
        }

        return null;
    }
}
