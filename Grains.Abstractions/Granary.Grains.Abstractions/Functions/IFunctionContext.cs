using Granary.Grains.Identity;

namespace Granary.Grains.Functions;

/// <summary>
/// What a running function instance can do (the outputs of the EDGELESS function model). Aliases are output
/// channel names from the workflow's output_mapping; the alias "self" is the instance itself. Casting to an alias
/// that is not mapped is dropped and logged, as in EDGELESS.
/// </summary>
public interface IFunctionContext
{
    /// <summary>This instance's id (node id and component id).</summary>
    InstanceId Self { get; }

    /// <summary>Sends a one-way event on output <paramref name="alias"/>.</summary>
    void Cast(string alias, ReadOnlyMemory<byte> message);

    /// <summary>Sends a one-way event to an explicit instance.</summary>
    void CastRaw(InstanceId target, ReadOnlyMemory<byte> message);

    /// <summary>Calls the function behind <paramref name="alias"/> and waits for its answer (or the call's deadline).</summary>
    Task<CallResult> CallAsync(string alias, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>Calls an explicit instance.</summary>
    Task<CallResult> CallRawAsync(InstanceId target, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>Casts on <paramref name="alias"/> after <paramref name="delay"/>.</summary>
    void DelayedCast(TimeSpan delay, string alias, ReadOnlyMemory<byte> message);

    /// <summary>Writes a log line attributed to this instance.</summary>
    void TelemetryLog(TelemetryLevel level, string target, string message);

    /// <summary>Saves the instance's state; it is handed back to init after a restart or a migration.</summary>
    Task SyncAsync(ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends this instance's task once the event being handled returns (a Granary extension, the .NET side of the
    /// WebAssembly import <c>granary_task_exit</c>): exit code 0 completes the task, any other value fails it, as a
    /// container's process exit does. Events still queued are not delivered; the instance is released without its stop
    /// callback. What happens next follows the function's <c>restart-policy</c> and the workflow's <c>job-type</c>: in a
    /// run-to-completion workflow, the workflow completes once every task did. Calls after the first are ignored.
    /// </summary>
    void Exit(int exitCode = 0);
}
