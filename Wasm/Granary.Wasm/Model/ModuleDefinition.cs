namespace Granary.Wasm.Model;

/// <summary>A decoded module: every section's content, indices as in the binary format.</summary>
internal sealed class ModuleDefinition
{
    public List<FuncType> Types { get; } = [];

    public List<Import> Imports { get; } = [];

    /// <summary>Type index of every function, imported ones first.</summary>
    public List<int> FunctionTypes { get; } = [];

    public int ImportedFunctionCount { get; set; }

    /// <summary>Every table, imported ones first.</summary>
    public List<TableType> Tables { get; } = [];

    public int ImportedTableCount { get; set; }

    /// <summary>Every memory's limits, imported ones first.</summary>
    public List<Limits> Memories { get; } = [];

    public int ImportedMemoryCount { get; set; }

    /// <summary>Every global's type, imported ones first.</summary>
    public List<GlobalType> Globals { get; } = [];

    public int ImportedGlobalCount { get; set; }

    public List<GlobalDef> GlobalDefs { get; } = [];

    public List<Export> Exports { get; } = [];

    public int? StartFunction { get; set; }

    public List<ElementSegment> Elements { get; } = [];

    public List<DataSegment> Data { get; } = [];

    public int? DataCount { get; set; }

    public List<FunctionBody> Bodies { get; } = [];

    public byte[] Bytes { get; set; } = [];

    public FuncType FuncTypeOf(int funcIndex) => Types[FunctionTypes[funcIndex]];
}
