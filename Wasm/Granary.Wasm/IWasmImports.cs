namespace Granary.Wasm;

/// <summary>Supplies the values a module imports; see <see cref="WasmImports"/> for the standard implementation.</summary>
public interface IWasmImports
{
    /// <summary>
    /// Returns the value for import <paramref name="module"/>.<paramref name="name"/>: a
    /// <see cref="WasmFunction"/>, <see cref="WasmMemory"/>, <see cref="WasmTable"/> or <see cref="WasmGlobal"/>
    /// (matching <paramref name="kind"/>), or null when there is none. <paramref name="importer"/> is the instance
    /// being created, so host functions can capture it to reach the calling instance's memory.
    /// </summary>
    object? Resolve(string module, string name, ExternKind kind, IWasmInstance importer);
}
