namespace Granary.Wasm;

/// <summary>
/// A WebAssembly engine. The node's executors depend on this interface only, so another engine (for example
/// Wasmtime, once packaged) can replace the built-in one.
/// </summary>
public interface IWasmEngine
{
    /// <summary>
    /// Decodes, validates and compiles a binary module. The result is immutable and thread-safe and can be
    /// instantiated any number of times. Throws <see cref="WasmCompileException"/> for malformed or invalid
    /// modules and for features the engine does not implement (SIMD).
    /// </summary>
    IWasmModule Compile(ReadOnlyMemory<byte> wasm);
}
