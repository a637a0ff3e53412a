namespace Granary.Wasm;

/// <summary>
/// An instance of a module. Not thread-safe: call it from one thread at a time. After a trap the instance can
/// still be called (its memory keeps whatever was written before the trap).
/// </summary>
public interface IWasmInstance
{
    /// <summary>The instance's memory (memory 0, imported or defined), or null when the module has none.</summary>
    WasmMemory? Memory { get; }

    /// <summary>The instance's exports.</summary>
    IReadOnlyList<WasmExportInfo> Exports { get; }

    /// <summary>Fuel left (long.MaxValue when the instance has no fuel limit).</summary>
    long FuelRemaining { get; }

    /// <summary>Adds fuel to an instance created with a fuel limit; ignored otherwise.</summary>
    void AddFuel(long amount);

    /// <summary>The exported value named <paramref name="name"/> (a WasmFunction, WasmMemory, WasmTable or WasmGlobal), or null.</summary>
    object? GetExport(string name);

    /// <summary>
    /// A delegate calling exported function <paramref name="name"/> directly, with no boxing or lookup per call.
    /// <typeparamref name="TDelegate"/> must match the signature exactly (int, long, float, double, object).
    /// Create it once and keep it. Throws <see cref="KeyNotFoundException"/> when there is no such function.
    /// </summary>
    TDelegate GetFunction<TDelegate>(string name)
        where TDelegate : Delegate;
}
