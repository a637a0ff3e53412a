namespace Granary.Wasm.Model;

/// <summary>A global's value type and mutability.</summary>
internal sealed record GlobalType(ValType Type, bool Mutable);
