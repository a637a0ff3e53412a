namespace Granary.Cli;

/// <summary>A failure the CLI reports as one message with its own exit code (see <see cref="ExitCodes"/>).</summary>
public sealed class CliException(string message, int exitCode) : Exception(message)
{
    /// <summary>The process exit code for this failure.</summary>
    public int ExitCode { get; } = exitCode;
}
