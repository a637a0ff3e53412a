namespace Granary.Wasm.Model;

/// <summary>One export of a module.</summary>
internal sealed record Export(string Name, ExternKind Kind, int Index);
