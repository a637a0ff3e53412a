namespace Granary.Wasm;

/// <summary>Sandbox limits of one instance.</summary>
public sealed record WasmInstanceLimits
{
    /// <summary>The default limits: 1 GiB of memory, 10,000 nested calls, no fuel or time limit.</summary>
    public static WasmInstanceLimits Default { get; } = new();

    /// <summary>
    /// The most pages (64 KiB) the instance's own memory may have; <c>memory.grow</c> past it returns -1 and a
    /// module whose initial memory is larger fails to instantiate. Default 16384 (1 GiB).
    /// </summary>
    public uint MaxMemoryPages { get; init; } = 16384;

    /// <summary>
    /// The most nested WebAssembly calls; deeper recursion traps with "call stack exhausted". The thread's real
    /// stack is checked as well, so a small thread stack traps earlier instead of crashing. Default 10,000.
    /// </summary>
    public int MaxCallDepth { get; init; } = 10_000;

    /// <summary>
    /// Total fuel for the instance's lifetime, or null for none. One unit is spent per function entry and per
    /// loop iteration; when it runs out execution traps with "fuel exhausted". Add more with
    /// <see cref="IWasmInstance.AddFuel"/>.
    /// </summary>
    public long? Fuel { get; init; }

    /// <summary>
    /// The longest one outermost call from the host may run, or null for no limit. A watchdog thread flags overdue
    /// calls (within a few milliseconds) and compiled code polls the flag at loop iterations and function entries,
    /// so an infinite loop stops with "deadline exceeded". Time spent inside host functions is not interrupted.
    /// </summary>
    public TimeSpan? CallTimeout { get; init; }
}
