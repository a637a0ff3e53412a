namespace Granary.Wasm;

/// <summary>
/// Thrown by <see cref="IWasmEngine.Compile"/> when the bytes are not a well-formed module (malformed) or the
/// module does not validate (invalid). The message names the problem and, for function bodies, the function.
/// </summary>
public sealed class WasmCompileException(string message) : Exception(message);
