namespace Granary.Executors.Wasm;

/// <summary>
/// Function annotations that override <see cref="WasmExecutorOptions"/> for one function. Values are decimal
/// integers; an invalid value makes the deployment fail with a message naming the annotation.
/// </summary>
public static class WasmAnnotations
{
    /// <summary>Overrides <see cref="WasmExecutorOptions.MaxMemoryPages"/> (64 KiB pages).</summary>
    public const string MaxMemoryPages = "wasm.max_memory_pages";

    /// <summary>Overrides <see cref="WasmExecutorOptions.MaxTableElements"/>.</summary>
    public const string MaxTableElements = "wasm.max_table_elements";

    /// <summary>Overrides <see cref="WasmExecutorOptions.MaxEventTime"/> in milliseconds; 0 means no time limit.</summary>
    public const string MaxEventMs = "wasm.max_event_ms";

    /// <summary>
    /// Retired with the built-in engine (Wasmtime counts no fuel here: <see cref="MaxEventMs"/> bounds an event).
    /// A deployment that still sets it fails, naming the replacement, rather than run without the limit it asked for.
    /// </summary>
    public const string FuelPerEvent = "wasm.fuel_per_event";

    /// <summary>
    /// Retired with the built-in engine: Wasmtime bounds recursion by stack bytes, node-wide
    /// (<see cref="WasmExecutorOptions.MaxWasmStackBytes"/>). A deployment that still sets it fails, naming the replacement.
    /// </summary>
    public const string MaxCallDepth = "wasm.max_call_depth";
}
