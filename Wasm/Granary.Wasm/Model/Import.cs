namespace Granary.Wasm.Model;

/// <summary>One import of a module; exactly one of the type fields matches <see cref="Kind"/>.</summary>
internal sealed record Import(string Module, string Name, ExternKind Kind, int FuncTypeIndex, TableType? Table, Limits? Memory, GlobalType? Global);
