namespace Granary.Executors.Wasm;

/// <summary>
/// A WebAssembly function failed: it trapped (time, stack and memory exhaustion included), its allocator
/// returned no memory, or it broke the ABI. Thrown from the instance's callback, so the node marks the instance
/// crashed and reports it; the message names the component, the callback and the reason.
/// </summary>
[GenerateSerializer]
public sealed class WasmFunctionException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public WasmFunctionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the trap or error that caused it.</summary>
    public WasmFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
