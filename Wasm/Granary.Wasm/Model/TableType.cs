namespace Granary.Wasm.Model;

/// <summary>A table's element type and limits.</summary>
internal sealed record TableType(ValType ElemType, Limits Limits);
