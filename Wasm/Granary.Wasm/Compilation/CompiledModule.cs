using System.Reflection;
using Granary.Wasm.Model;
using Granary.Wasm.Runtime;

namespace Granary.Wasm.Compilation;

/// <summary>A compiled module and its instantiation procedure.</summary>
internal sealed class CompiledModule : IWasmModule
{
    private readonly Func<InstanceContext> _create;
    private readonly Action<InstanceContext> _bind;
    private readonly MethodInfo[] _entries;
    private readonly IntPtr[] _codes;
    private readonly IntPtr[] _guarded;
    private readonly Dictionary<string, Export> _exports;

    public CompiledModule(ModuleDefinition definition, Func<InstanceContext> create, Action<InstanceContext> bind, MethodInfo[] entries, IntPtr[] codes, IntPtr[] guarded)
    {
        Definition = definition;
        _create = create;
        _bind = bind;
        _entries = entries;
        _codes = codes;
        _guarded = guarded;
        _exports = definition.Exports.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Imports = [.. definition.Imports.Select(i => new WasmImportInfo(i.Module, i.Name, i.Kind))];
        Exports = [.. definition.Exports.Select(e => new WasmExportInfo(e.Name, e.Kind))];
    }

    public ModuleDefinition Definition { get; }

    public IReadOnlyList<WasmImportInfo> Imports { get; }

    public IReadOnlyList<WasmExportInfo> Exports { get; }

    public bool TryGetExport(string name, out Export export) => _exports.TryGetValue(name, out export!);

    public WasmFunction CreateFunction(InstanceContext ctx, int index)
    {
        var i = index - Definition.ImportedFunctionCount;
        return new WasmFunction(Definition.FuncTypeOf(index), _codes[i], _guarded[i], ctx, _entries[i]);
    }

    public IWasmInstance Instantiate(IWasmImports imports, WasmInstanceLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(imports);
        limits ??= WasmInstanceLimits.Default;
        var m = Definition;
        var ctx = _create();
        ctx.Module = this;
        ctx.ApplyLimits(limits);
        var instance = new WasmInstance(this, ctx);
        ctx.Instance = instance;
        ctx.Functions = new WasmFunction?[m.FunctionTypes.Count];
        ctx.Memories = new WasmMemory?[m.Memories.Count];
        ctx.Tables = new WasmTable[m.Tables.Count];
        ctx.Globals = new WasmGlobal[m.Globals.Count];
        int fi = 0, ti = 0, mi = 0, gi = 0;
        foreach (var imp in m.Imports)
        {
            var value = imports.Resolve(imp.Module, imp.Name, imp.Kind, instance)
                ?? throw new WasmLinkException($"unknown import {imp.Module}.{imp.Name}");
            switch (imp.Kind)
            {
                case ExternKind.Function:
                    if (value is not WasmFunction f || f.TypeId != m.Types[imp.FuncTypeIndex].Id)
                    {
                        throw Incompatible(imp);
                    }

                    ctx.Functions[fi++] = f;
                    break;
                case ExternKind.Table:
                    if (value is not WasmTable t || t.ElemType != imp.Table!.ElemType
                        || !new Limits((uint)t.Size, t.Max).Matches(imp.Table.Limits))
                    {
                        throw Incompatible(imp);
                    }

                    ctx.Tables[ti++] = t;
                    break;
                case ExternKind.Memory:
                    if (value is not WasmMemory mem || !new Limits(mem.Pages, mem.DeclaredMaxPages).Matches(imp.Memory!.Value))
                    {
                        throw Incompatible(imp);
                    }

                    ctx.Memories[mi++] = mem;
                    break;
                default:
                    if (value is not WasmGlobal g || g.Type != imp.Global)
                    {
                        throw Incompatible(imp);
                    }

                    ctx.Globals[gi++] = g;
                    break;
            }
        }

        for (var i = mi; i < m.Memories.Count; i++)
        {
            ctx.Memories[i] = new WasmMemory(m.Memories[i].Min, m.Memories[i].Max, limits.MaxMemoryPages);
        }

        for (var i = ti; i < m.Tables.Count; i++)
        {
            ctx.Tables[i] = new WasmTable(m.Tables[i].ElemType, m.Tables[i].Limits.Min, m.Tables[i].Limits.Max);
        }

        for (var i = 0; i < m.GlobalDefs.Count; i++)
        {
            var def = m.GlobalDefs[i];
            var g = new WasmGlobal(def.Type);
            SetConst(ctx, g, def.Init);
            ctx.Globals[gi + i] = g;
        }

        ctx.Data = [.. m.Data.Select(d => d.Data)];
        ctx.Elements = new object?[]?[m.Elements.Count];
        for (var i = 0; i < m.Elements.Count; i++)
        {
            var seg = m.Elements[i];
            if (seg.Mode == SegmentMode.Declarative)
            {
                continue;
            }

            var items = new object?[seg.Items.Length];
            for (var k = 0; k < items.Length; k++)
            {
                items[k] = EvalRef(ctx, seg.Items[k]);
            }

            ctx.Elements[i] = items;
        }

        _bind(ctx);

        for (var i = 0; i < m.Elements.Count; i++)
        {
            var seg = m.Elements[i];
            if (seg.Mode != SegmentMode.Active)
            {
                continue;
            }

            Rt.TableInit(ctx, ctx.Tables[seg.TableIndex], i, EvalI32(ctx, seg.Offset), 0, seg.Items.Length);
            Rt.ElemDrop(ctx, i);
        }

        for (var i = 0; i < m.Data.Count; i++)
        {
            var seg = m.Data[i];
            if (seg.Mode != SegmentMode.Active)
            {
                continue;
            }

            Rt.MemoryInit(ctx, ctx.Memories[seg.MemoryIndex]!, i, EvalI32(ctx, seg.Offset), 0, seg.Data.Length);
            Rt.DataDrop(ctx, i);
        }

        if (m.StartFunction is { } start)
        {
            ctx.GetFunction(start).Invoke();
        }

        return instance;
    }

    private static WasmLinkException Incompatible(Import imp) => new($"incompatible import type for {imp.Module}.{imp.Name}");

    private static int EvalI32(InstanceContext ctx, ConstExpr e) =>
        e.Kind == ConstKind.GlobalGet ? (int)ctx.Globals[e.Index].Bits : (int)e.Bits;

    private static object? EvalRef(InstanceContext ctx, ConstExpr e) => e.Kind switch
    {
        ConstKind.RefFunc => ctx.GetFunction(e.Index),
        ConstKind.GlobalGet => ctx.Globals[e.Index].Ref,
        _ => null,
    };

    private static void SetConst(InstanceContext ctx, WasmGlobal g, ConstExpr e)
    {
        switch (e.Kind)
        {
            case ConstKind.GlobalGet:
                g.Bits = ctx.Globals[e.Index].Bits;
                g.Ref = ctx.Globals[e.Index].Ref;
                g.Vec = ctx.Globals[e.Index].Vec;
                break;
            case ConstKind.RefFunc:
                g.Ref = ctx.GetFunction(e.Index);
                break;
            case ConstKind.RefNull:
                g.Ref = null;
                break;
            case ConstKind.V128:
                g.Vec = System.Runtime.Intrinsics.Vector128.AsByte(System.Runtime.Intrinsics.Vector128.Create(e.Bits, e.Hi));
                break;
            default:
                g.Bits = e.Bits;
                break;
        }
    }
}
