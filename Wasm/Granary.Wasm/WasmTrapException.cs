namespace Granary.Wasm;

/// <summary>
/// A WebAssembly trap. <see cref="Exception.Message"/> is the message the WebAssembly specification's test
/// suite uses for the trap (for example "integer divide by zero" or "call stack exhausted"). A trap aborts the
/// current call into the instance; the instance stays usable and other instances are unaffected, although
/// memory writes made before the trap remain.
/// </summary>
public sealed class WasmTrapException : Exception
{
    /// <summary>Creates a trap of <paramref name="kind"/> with the specification's message.</summary>
    public WasmTrapException(WasmTrapKind kind)
        : base(MessageOf(kind))
    {
        Kind = kind;
    }

    /// <summary>Creates a trap raised by a host function, with its own message.</summary>
    public WasmTrapException(WasmTrapKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Why execution trapped.</summary>
    public WasmTrapKind Kind { get; }

    /// <summary>The specification's message for <paramref name="kind"/>.</summary>
    public static string MessageOf(WasmTrapKind kind) => kind switch
    {
        WasmTrapKind.Unreachable => "unreachable",
        WasmTrapKind.MemoryOutOfBounds => "out of bounds memory access",
        WasmTrapKind.TableOutOfBounds => "out of bounds table access",
        WasmTrapKind.IntegerDivideByZero => "integer divide by zero",
        WasmTrapKind.IntegerOverflow => "integer overflow",
        WasmTrapKind.InvalidConversion => "invalid conversion to integer",
        WasmTrapKind.UndefinedElement => "undefined element",
        WasmTrapKind.UninitializedElement => "uninitialized element",
        WasmTrapKind.IndirectCallTypeMismatch => "indirect call type mismatch",
        WasmTrapKind.CallStackExhausted => "call stack exhausted",
        WasmTrapKind.FuelExhausted => "fuel exhausted",
        WasmTrapKind.DeadlineExceeded => "deadline exceeded",
        _ => kind.ToString(),
    };
}
