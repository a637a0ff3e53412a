namespace Granary.Executors.Wasm;

/// <summary>
/// Sandbox limits of WebAssembly function instances on a node (configuration section <c>Granary:Wasm</c>). Each
/// limit can be overridden per function by an annotation (see <see cref="WasmAnnotations"/>).
/// </summary>
public sealed class WasmExecutorOptions
{
    /// <summary>
    /// The most 64 KiB pages an instance's memory may have. <c>memory.grow</c> past it returns -1 to the guest, and a
    /// module whose initial memory is larger fails to start. Default 256 (16 MiB).
    /// </summary>
    public uint MaxMemoryPages { get; set; } = 256;

    /// <summary>
    /// The longest one event (init, cast, call or stop) may run, wall-clock, time blocked in <c>call_asm</c> and
    /// <c>sync_asm</c> included; past it the guest traps with "deadline exceeded" at its next loop iteration or
    /// function entry and the instance is reported crashed. Null for no limit. Default 5 seconds.
    /// </summary>
    public TimeSpan? MaxEventTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fuel per event (one unit per function entry and loop iteration), refilled before each event; when it runs
    /// out the guest traps with "fuel exhausted". Null for no fuel limit (the default: the time limit applies).
    /// </summary>
    public long? FuelPerEvent { get; set; }

    /// <summary>The most nested WebAssembly calls; deeper recursion traps with "call stack exhausted". Default 10,000.</summary>
    public int MaxCallDepth { get; set; } = 10_000;

    /// <summary>
    /// How long <c>call_asm</c>, <c>call_raw_asm</c> and <c>sync_asm</c> block the guest waiting for an answer; the
    /// wait is also cut to what is left of <see cref="MaxEventTime"/>. A call that times out returns 2 (error) to the
    /// guest. Default 10 seconds.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stack size of the dedicated thread of an instance whose module imports a blocking host function (call_asm,
    /// call_raw_asm, sync_asm). Deep guest recursion traps with "call stack exhausted" before any stack runs out.
    /// Default 4 MiB.
    /// </summary>
    public int ThreadStackSize { get; set; } = 4 * 1024 * 1024;
}
