namespace Granary.Executors.Wasm;

/// <summary>
/// Function annotations that override <see cref="WasmExecutorOptions"/> for one function. Values are decimal
/// integers; an invalid value makes the deployment fail with a message naming the annotation.
/// </summary>
public static class WasmAnnotations
{
    /// <summary>Overrides <see cref="WasmExecutorOptions.MaxMemoryPages"/> (64 KiB pages).</summary>
    public const string MaxMemoryPages = "wasm.max_memory_pages";

    /// <summary>Overrides <see cref="WasmExecutorOptions.MaxEventTime"/> in milliseconds; 0 means no time limit.</summary>
    public const string MaxEventMs = "wasm.max_event_ms";

    /// <summary>Overrides <see cref="WasmExecutorOptions.FuelPerEvent"/>; 0 means no fuel limit.</summary>
    public const string FuelPerEvent = "wasm.fuel_per_event";

    /// <summary>Overrides <see cref="WasmExecutorOptions.MaxCallDepth"/>.</summary>
    public const string MaxCallDepth = "wasm.max_call_depth";
}
