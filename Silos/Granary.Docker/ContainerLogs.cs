namespace Granary.Docker;

/// <summary>
/// What a container wrote, decoded as UTF-8. For a container without a TTY (all Granary containers) stdout and
/// stderr are kept apart; with a TTY the engine merges them and everything is in <see cref="Stdout"/>.
/// </summary>
/// <param name="Stdout">Everything written to standard output, in order.</param>
/// <param name="Stderr">Everything written to standard error, in order.</param>
public sealed record ContainerLogs(string Stdout, string Stderr);
