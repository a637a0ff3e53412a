namespace Granary.Executors.Wasm;

/// <summary>
/// Sandbox limits of WebAssembly function instances on a node (configuration section <c>Granary:Wasm</c>). The limits
/// per instance can be overridden per function by an annotation (see <see cref="WasmAnnotations"/>); the engine settings
/// (<see cref="MaxWasmStackBytes"/>, <see cref="TickInterval"/>) hold for the whole node.
/// </summary>
public sealed class WasmExecutorOptions
{
    /// <summary>
    /// The most 64 KiB pages an instance's memory may have. <c>memory.grow</c> past it returns -1 to the guest, and a
    /// module whose initial memory is larger fails to start. Default 256 (16 MiB).
    /// </summary>
    public uint MaxMemoryPages { get; set; } = 256;

    /// <summary>
    /// The most elements a table of an instance may have: <c>table.grow</c> past it fails, and a module declaring a
    /// larger table fails to start. At most <see cref="TableElementsCeiling"/>. Default 10,000.
    /// </summary>
    public uint MaxTableElements { get; set; } = 10_000;

    /// <summary>
    /// The most WebAssembly instances the node runs at once (node-wide: the engine keeps a pool of this many memory
    /// and table slots, reserved address space, so that instantiating and releasing an instance costs no system call).
    /// Starting one more fails with the pool's reason. Default 1,000.
    /// </summary>
    public uint MaxInstances { get; set; } = 1_000;

    /// <summary>
    /// The longest one event (init, cast, call or stop) may run, wall-clock, time blocked in <c>call_asm</c> and
    /// <c>sync_asm</c> included. Past it the guest traps (its clock, checked at loop headers and function entries, so
    /// within about one <see cref="TickInterval"/>) and the instance is reported crashed with
    /// "deadline exceeded". Null for no limit. Default 5 seconds.
    /// </summary>
    public TimeSpan? MaxEventTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long <c>call_asm</c>, <c>call_raw_asm</c> and <c>sync_asm</c> block the guest waiting for an answer; the
    /// wait is also cut to what is left of <see cref="MaxEventTime"/>. A call that times out returns 2 (error) to the
    /// guest, as in EDGELESS. Default 10 seconds.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most native stack WebAssembly code may use (node-wide, an engine setting); deeper recursion traps with
    /// "call stack exhausted". Default 512 KiB, which lets an instance run inline on a thread-pool thread; a larger
    /// value runs every instance on a thread of its own whose stack has room for it.
    /// </summary>
    public int MaxWasmStackBytes { get; set; } = DefaultMaxWasmStackBytes;

    /// <summary>
    /// Stack size of the dedicated thread of an instance that needs one: its module imports a blocking host function
    /// (call_asm, call_raw_asm, sync_asm), or <see cref="MaxWasmStackBytes"/> is larger than the default. Raised to
    /// <see cref="MaxWasmStackBytes"/> plus 1 MiB when smaller. Default 4 MiB.
    /// </summary>
    public int ThreadStackSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How often the node's ticker writes the current tick into the clock of every instance: the resolution of
    /// <see cref="MaxEventTime"/>. Default 5 ms.
    /// </summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The default of <see cref="MaxWasmStackBytes"/>: what a thread-pool thread's stack has room for.</summary>
    public const int DefaultMaxWasmStackBytes = 512 * 1024;

    /// <summary>The largest table size <see cref="MaxTableElements"/> or an annotation may allow (the pool's table slots).</summary>
    public const uint TableElementsCeiling = 1_000_000;
}
