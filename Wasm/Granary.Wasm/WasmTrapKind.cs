namespace Granary.Wasm;

/// <summary>Why WebAssembly execution trapped.</summary>
public enum WasmTrapKind
{
    /// <summary>The <c>unreachable</c> instruction ran.</summary>
    Unreachable,

    /// <summary>A memory access, <c>memory.init/copy/fill</c> or active data segment fell outside the memory.</summary>
    MemoryOutOfBounds,

    /// <summary>A table access or active element segment fell outside the table.</summary>
    TableOutOfBounds,

    /// <summary>Integer division or remainder by zero.</summary>
    IntegerDivideByZero,

    /// <summary>Signed division overflow or a float-to-integer conversion out of range.</summary>
    IntegerOverflow,

    /// <summary>A trapping float-to-integer conversion of NaN.</summary>
    InvalidConversion,

    /// <summary><c>call_indirect</c> with an index outside the table.</summary>
    UndefinedElement,

    /// <summary><c>call_indirect</c> on a null table entry.</summary>
    UninitializedElement,

    /// <summary><c>call_indirect</c> on a function of another signature.</summary>
    IndirectCallTypeMismatch,

    /// <summary>The call depth limit or the thread's stack was exhausted.</summary>
    CallStackExhausted,

    /// <summary>The instance's fuel ran out.</summary>
    FuelExhausted,

    /// <summary>The instance's deadline passed.</summary>
    DeadlineExceeded,
}
