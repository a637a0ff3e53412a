namespace Granary.Wasm.Model;

/// <summary>The kind of a constant expression's single instruction.</summary>
internal enum ConstKind
{
    I32,
    I64,
    F32,
    F64,
    GlobalGet,
    RefNull,
    RefFunc,
    V128,
}
