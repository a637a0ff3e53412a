namespace Granary.Wasm.Runtime;

/// <summary>Bulk memory, table and reference instructions called from generated code.</summary>
internal static unsafe class Rt
{
    public static void MemoryInit(InstanceContext ctx, WasmMemory mem, int segment, int dst, int src, int count)
    {
        var data = ctx.Data[segment] ?? [];
        if ((ulong)(uint)src + (uint)count > (ulong)data.Length || (ulong)(uint)dst + (uint)count > mem.Size)
        {
            Trap.ThrowMemory();
        }

        data.AsSpan(src, count).CopyTo(new Span<byte>(mem.Base + (uint)dst, count));
    }

    public static void DataDrop(InstanceContext ctx, int segment) => ctx.Data[segment] = null;

    public static void MemoryCopy(WasmMemory mem, int dst, int src, int count)
    {
        if ((ulong)(uint)src + (uint)count > mem.Size || (ulong)(uint)dst + (uint)count > mem.Size)
        {
            Trap.ThrowMemory();
        }

        Buffer.MemoryCopy(mem.Base + (uint)src, mem.Base + (uint)dst, count, (uint)count);
    }

    public static void MemoryFill(WasmMemory mem, int dst, int value, int count)
    {
        if ((ulong)(uint)dst + (uint)count > mem.Size)
        {
            Trap.ThrowMemory();
        }

        System.Runtime.InteropServices.NativeMemory.Fill(mem.Base + (uint)dst, (uint)count, (byte)value);
    }

    public static int MemorySize(WasmMemory mem) => (int)mem.Pages;

    public static void TableInit(InstanceContext ctx, WasmTable table, int segment, int dst, int src, int count)
    {
        var items = ctx.Elements[segment] ?? [];
        if ((ulong)(uint)src + (uint)count > (ulong)items.Length || (ulong)(uint)dst + (uint)count > (ulong)table.Elements.Length)
        {
            Trap.ThrowTable();
        }

        Array.Copy(items, src, table.Elements, dst, count);
    }

    public static void ElemDrop(InstanceContext ctx, int segment) => ctx.Elements[segment] = null;

    public static void TableCopy(WasmTable dstTable, WasmTable srcTable, int dst, int src, int count)
    {
        if ((ulong)(uint)src + (uint)count > (ulong)srcTable.Elements.Length || (ulong)(uint)dst + (uint)count > (ulong)dstTable.Elements.Length)
        {
            Trap.ThrowTable();
        }

        Array.Copy(srcTable.Elements, src, dstTable.Elements, dst, count);
    }

    public static int TableGrow(object? init, int delta, WasmTable table) => table.Grow((uint)delta, init);

    public static int TableSize(WasmTable table) => table.Elements.Length;

    public static void TableFill(WasmTable table, int dst, object? value, int count)
    {
        if ((ulong)(uint)dst + (uint)count > (ulong)table.Elements.Length)
        {
            Trap.ThrowTable();
        }

        table.Elements.AsSpan(dst, count).Fill(value);
    }

    public static object? TableGet(int index, WasmTable table)
    {
        var e = table.Elements;
        if ((uint)index >= (uint)e.Length)
        {
            Trap.ThrowTable();
        }

        return e[index];
    }

    public static void TableSet(WasmTable table, int index, object? value)
    {
        var e = table.Elements;
        if ((uint)index >= (uint)e.Length)
        {
            Trap.ThrowTable();
        }

        e[index] = value;
    }

    /// <summary>Resolves a <c>call_indirect</c> target, trapping as the specification requires.</summary>
    public static WasmFunction Indirect(int index, WasmTable table, int typeId)
    {
        var e = table.Elements;
        if ((uint)index >= (uint)e.Length)
        {
            Trap.Throw(WasmTrapKind.UndefinedElement);
        }

        if (e[index] is not WasmFunction f)
        {
            Trap.Throw(WasmTrapKind.UninitializedElement);
            return null!;
        }

        if (f.TypeId != typeId)
        {
            Trap.Throw(WasmTrapKind.IndirectCallTypeMismatch);
        }

        return f;
    }
}
