using Granary.Wasm.Model;

namespace Granary.Wasm.Validation;

/// <summary>Module-level validation rules (everything except function bodies, which the compiler validates as it emits).</summary>
internal static class ModuleValidator
{
    private const uint MaxPages = 65536;

    /// <summary>Validates <paramref name="m"/> and returns the set of functions declared as referenceable (C.refs).</summary>
    public static HashSet<int> Validate(ModuleDefinition m)
    {
        foreach (var ti in m.FunctionTypes)
        {
            if (ti < 0 || ti >= m.Types.Count)
            {
                throw Invalid("unknown type");
            }
        }

        if (m.Memories.Count > 1)
        {
            throw Invalid("multiple memories");
        }

        foreach (var mem in m.Memories)
        {
            if (mem.Min > MaxPages || mem.Max > MaxPages)
            {
                throw Invalid("memory size must be at most 65536 pages (4GiB)");
            }

            if (mem.Max is { } max && mem.Min > max)
            {
                throw Invalid("size minimum must not be greater than maximum");
            }
        }

        foreach (var t in m.Tables)
        {
            if (t.Limits.Max is { } max && t.Limits.Min > max)
            {
                throw Invalid("size minimum must not be greater than maximum");
            }
        }

        var refs = new HashSet<int>();
        for (var i = 0; i < m.GlobalDefs.Count; i++)
        {
            var g = m.GlobalDefs[i];
            CheckConst(m, g.Init, g.Type.Type, m.ImportedGlobalCount, refs);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in m.Exports)
        {
            if (!names.Add(e.Name))
            {
                throw Invalid("duplicate export name");
            }

            var count = e.Kind switch
            {
                ExternKind.Function => m.FunctionTypes.Count,
                ExternKind.Table => m.Tables.Count,
                ExternKind.Memory => m.Memories.Count,
                _ => m.Globals.Count,
            };
            if ((uint)e.Index >= (uint)count)
            {
                throw Invalid($"unknown {e.Kind.ToString().ToLowerInvariant()}");
            }

            if (e.Kind == ExternKind.Function)
            {
                refs.Add(e.Index);
            }
        }

        if (m.StartFunction is { } start)
        {
            if ((uint)start >= (uint)m.FunctionTypes.Count)
            {
                throw Invalid("unknown function");
            }

            var ft = m.FuncTypeOf(start);
            if (ft.Params.Length != 0 || ft.Results.Length != 0)
            {
                throw Invalid("start function");
            }
        }

        foreach (var seg in m.Elements)
        {
            if (seg.Mode == SegmentMode.Active)
            {
                if ((uint)seg.TableIndex >= (uint)m.Tables.Count)
                {
                    throw Invalid("unknown table");
                }

                CheckConst(m, seg.Offset, ValType.I32, m.ImportedGlobalCount, refs);
                if (m.Tables[seg.TableIndex].ElemType != seg.Type)
                {
                    throw Invalid("type mismatch");
                }
            }

            foreach (var item in seg.Items)
            {
                CheckConst(m, item, seg.Type, m.ImportedGlobalCount, refs);
            }
        }

        foreach (var d in m.Data)
        {
            if (d.Mode == SegmentMode.Active)
            {
                if ((uint)d.MemoryIndex >= (uint)m.Memories.Count)
                {
                    throw Invalid("unknown memory");
                }

                CheckConst(m, d.Offset, ValType.I32, m.ImportedGlobalCount, refs);
            }
        }

        return refs;
    }

    private static void CheckConst(ModuleDefinition m, ConstExpr e, ValType expected, int visibleGlobals, HashSet<int> refs)
    {
        ValType actual;
        switch (e.Kind)
        {
            case ConstKind.GlobalGet:
                if ((uint)e.Index >= (uint)visibleGlobals || (uint)e.Index >= (uint)m.Globals.Count)
                {
                    throw Invalid("unknown global");
                }

                if (m.Globals[e.Index].Mutable)
                {
                    throw Invalid("constant expression required");
                }

                actual = m.Globals[e.Index].Type;
                break;
            case ConstKind.RefFunc:
                if ((uint)e.Index >= (uint)m.FunctionTypes.Count)
                {
                    throw Invalid("unknown function");
                }

                refs.Add(e.Index);
                actual = ValType.FuncRef;
                break;
            default:
                actual = e.Type;
                break;
        }

        if (actual != expected)
        {
            throw Invalid("type mismatch");
        }
    }

    private static WasmCompileException Invalid(string message) => new(message);
}
