namespace Granary.Wasm.Model;

/// <summary>
/// A WebAssembly 2.0 constant expression, which is a single instruction: a constant, <c>global.get</c> of an
/// imported global, <c>ref.null</c> or <c>ref.func</c>.
/// </summary>
internal readonly record struct ConstExpr(ConstKind Kind, long Bits, ValType Type, long Hi = 0)
{
    public int Index => (int)Bits;
}
