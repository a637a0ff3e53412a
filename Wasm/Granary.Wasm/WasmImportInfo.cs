namespace Granary.Wasm;

/// <summary>One import declared by a module.</summary>
public sealed record WasmImportInfo(string Module, string Name, ExternKind Kind);
