namespace Granary.Wasm;

/// <summary>
/// A table of references (<see cref="WasmFunction"/> for funcref tables, any object for externref tables; null is
/// the null reference). Created by the host to be imported or by an instance; exported tables are shared.
/// </summary>
public sealed class WasmTable
{
    // Read directly by generated code; its length is the table size.
    internal object?[] Elements;

    /// <summary>Creates a funcref table of <paramref name="min"/> null entries that may grow to <paramref name="max"/>.</summary>
    public WasmTable(uint min, uint? max = null)
        : this(Model.ValType.FuncRef, min, max)
    {
    }

    internal WasmTable(Model.ValType elemType, uint min, uint? max)
    {
        if (min > MaxElements)
        {
            throw new WasmLinkException($"table of {min} elements exceeds the limit of {MaxElements}");
        }

        ElemType = elemType;
        Max = max;
        Elements = min == 0 ? [] : new object?[min];
    }

    /// <summary>Creates an externref table (entries are arbitrary host objects) of <paramref name="min"/> null entries.</summary>
    public static WasmTable ForExternRefs(uint min, uint? max = null) => new(Model.ValType.ExternRef, min, max);

    /// <summary>Tables never exceed this many elements, whatever their declared maximum.</summary>
    public const uint MaxElements = 10_000_000;

    internal Model.ValType ElemType { get; }

    /// <summary>The declared maximum size, or null.</summary>
    public uint? Max { get; }

    /// <summary>The current number of elements.</summary>
    public int Size => Elements.Length;

    /// <summary>Reads an element; throws out of bounds table access when <paramref name="index"/> is too large.</summary>
    public object? Get(uint index) =>
        index < (uint)Elements.Length ? Elements[index] : throw new WasmTrapException(WasmTrapKind.TableOutOfBounds);

    /// <summary>Writes an element; throws out of bounds table access when <paramref name="index"/> is too large.</summary>
    public void Set(uint index, object? value)
    {
        if (index >= (uint)Elements.Length)
        {
            throw new WasmTrapException(WasmTrapKind.TableOutOfBounds);
        }

        Elements[index] = value;
    }

    /// <summary>Grows by <paramref name="delta"/> entries set to <paramref name="init"/>; returns the old size or -1.</summary>
    public int Grow(uint delta, object? init)
    {
        var old = (uint)Elements.Length;
        var target = (ulong)old + delta;
        if (target > (Max ?? uint.MaxValue) || target > MaxElements)
        {
            return -1;
        }

        if (delta != 0)
        {
            var a = new object?[target];
            Array.Copy(Elements, a, old);
            if (init is not null)
            {
                a.AsSpan((int)old).Fill(init);
            }

            Elements = a;
        }

        return (int)old;
    }
}
