namespace Granary.Wasm.Model;

/// <summary>A global defined by the module with its initializer.</summary>
internal sealed record GlobalDef(GlobalType Type, ConstExpr Init);
