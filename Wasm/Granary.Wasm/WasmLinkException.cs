namespace Granary.Wasm;

/// <summary>
/// Thrown by <see cref="IWasmModule.Instantiate"/> when an import is missing or has an incompatible type, or
/// when the module needs more than the instance limits allow. No code of the module has run.
/// </summary>
public sealed class WasmLinkException(string message) : Exception(message);
