namespace Granary.Wasm;

/// <summary>A compiled module: native code shared by all its instances.</summary>
public interface IWasmModule
{
    /// <summary>The module's imports in declaration order.</summary>
    IReadOnlyList<WasmImportInfo> Imports { get; }

    /// <summary>The module's exports in declaration order.</summary>
    IReadOnlyList<WasmExportInfo> Exports { get; }

    /// <summary>
    /// Creates an instance: resolves every import through <paramref name="imports"/> (throwing
    /// <see cref="WasmLinkException"/> when one is missing or has the wrong type), allocates memory and tables
    /// within <paramref name="limits"/>, applies active segments and runs the start function. A trap while doing
    /// so throws <see cref="WasmTrapException"/>; writes already made to imported memories or tables remain.
    /// Instances are independent: one trapping or exhausting its limits does not affect another. An instance must
    /// be called from one thread at a time.
    /// </summary>
    IWasmInstance Instantiate(IWasmImports imports, WasmInstanceLimits? limits = null);
}
