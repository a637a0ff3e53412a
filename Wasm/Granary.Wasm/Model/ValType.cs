namespace Granary.Wasm.Model;

/// <summary>A WebAssembly value type, encoded with its binary-format byte.</summary>
internal enum ValType : byte
{
    /// <summary>Stack-polymorphic placeholder used only during validation of unreachable code.</summary>
    Unknown = 0,
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    FuncRef = 0x70,
    ExternRef = 0x6F,
}
