namespace Granary.Wasm.Runtime;

/// <summary>
/// Per-thread slots through which functions with more than one result hand their results to the caller: the
/// callee writes them just before returning and the caller reads them right after the call.
/// </summary>
internal static class MultiValue
{
    [ThreadStatic]
    private static long[]? t_bits;

    [ThreadStatic]
    private static object?[]? t_refs;

    public static void SetBits(long value, int slot)
    {
        var a = t_bits ??= new long[16];
        if (slot >= a.Length)
        {
            Array.Resize(ref t_bits, Math.Max(slot + 1, a.Length * 2));
            a = t_bits;
        }

        a[slot] = value;
    }

    public static long GetBits(int slot) => t_bits![slot];

    [ThreadStatic]
    private static System.Runtime.Intrinsics.Vector128<byte>[]? t_vecs;

    public static void SetVec(System.Runtime.Intrinsics.Vector128<byte> value, int slot)
    {
        var a = t_vecs ??= new System.Runtime.Intrinsics.Vector128<byte>[16];
        if (slot >= a.Length)
        {
            Array.Resize(ref t_vecs, Math.Max(slot + 1, a.Length * 2));
            a = t_vecs;
        }

        a[slot] = value;
    }

    public static System.Runtime.Intrinsics.Vector128<byte> GetVec(int slot) => t_vecs![slot];

    public static void SetRef(object? value, int slot)
    {
        var a = t_refs ??= new object?[16];
        if (slot >= a.Length)
        {
            Array.Resize(ref t_refs, Math.Max(slot + 1, a.Length * 2));
            a = t_refs;
        }

        a[slot] = value;
    }

    public static object? GetRef(int slot)
    {
        var v = t_refs![slot];
        t_refs[slot] = null;
        return v;
    }
}
