namespace Granary.Wasm;

/// <summary>One export declared by a module.</summary>
public sealed record WasmExportInfo(string Name, ExternKind Kind);
