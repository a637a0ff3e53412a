using System.Runtime.CompilerServices;

namespace Granary.Wasm.Runtime;

/// <summary>
/// Trap factories used by generated code as <c>call Trap.X; throw</c>, so the JIT sees a throw terminator and
/// moves the path out of line; and throwers for helpers written in C#.
/// </summary>
internal static class Trap
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception MemoryOutOfBounds() => new WasmTrapException(WasmTrapKind.MemoryOutOfBounds);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception Unreachable() => new WasmTrapException(WasmTrapKind.Unreachable);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Exception CallStackExhausted() => new WasmTrapException(WasmTrapKind.CallStackExhausted);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(WasmTrapKind kind) => throw new WasmTrapException(kind);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowDivideByZero() => throw new WasmTrapException(WasmTrapKind.IntegerDivideByZero);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOverflow() => throw new WasmTrapException(WasmTrapKind.IntegerOverflow);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowInvalidConversion() => throw new WasmTrapException(WasmTrapKind.InvalidConversion);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowMemory() => throw new WasmTrapException(WasmTrapKind.MemoryOutOfBounds);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowTable() => throw new WasmTrapException(WasmTrapKind.TableOutOfBounds);
}
