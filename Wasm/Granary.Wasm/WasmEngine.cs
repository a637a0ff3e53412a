using Granary.Wasm.Compilation;
using Granary.Wasm.Decoding;
using Granary.Wasm.Validation;

namespace Granary.Wasm;

/// <summary>
/// The built-in engine: decodes and validates WebAssembly 2.0 modules (without SIMD) and compiles every function
/// to IL in a collectible dynamic assembly, so the JIT produces native code. A compiled module is unloaded when
/// it and all its instances are unreachable.
/// </summary>
public sealed class WasmEngine : IWasmEngine
{
    /// <inheritdoc />
    public IWasmModule Compile(ReadOnlyMemory<byte> wasm)
    {
        var def = ModuleDecoder.Decode(wasm.ToArray());
        var refs = ModuleValidator.Validate(def);
        return ModuleCompiler.Compile(def, refs);
    }
}
