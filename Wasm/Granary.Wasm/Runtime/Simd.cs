using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace Granary.Wasm.Runtime;

/// <summary>
/// The 128-bit SIMD instructions, called from generated code with v128 values as <c>Vector128&lt;byte&gt;</c>.
/// Common operations use Vector128 arithmetic; the rest are written lane by lane for exact WebAssembly semantics.
/// </summary>
internal static unsafe class Simd
{
    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;

    // ---- lane-wise building blocks ----
    private static V Un<T>(V a, Func<T, T> f)
        where T : unmanaged
    {
        var x = a.As<byte, T>();
        var r = Vector128<T>.Zero;
        for (var i = 0; i < Vector128<T>.Count; i++)
        {
            r = r.WithElement(i, f(x.GetElement(i)));
        }

        return r.AsByte();
    }

    private static V Bin<T>(V a, V b, Func<T, T, T> f)
        where T : unmanaged
    {
        var x = a.As<byte, T>();
        var y = b.As<byte, T>();
        var r = Vector128<T>.Zero;
        for (var i = 0; i < Vector128<T>.Count; i++)
        {
            r = r.WithElement(i, f(x.GetElement(i), y.GetElement(i)));
        }

        return r.AsByte();
    }

    private static V Cmp<T>(V a, V b, Func<T, T, bool> f)
        where T : unmanaged
    {
        var x = a.As<byte, T>();
        var y = b.As<byte, T>();
        var size = 16 / Vector128<T>.Count;
        Span<byte> r = stackalloc byte[16];
        for (var i = 0; i < Vector128<T>.Count; i++)
        {
            if (f(x.GetElement(i), y.GetElement(i)))
            {
                r.Slice(i * size, size).Fill(0xFF);
            }
        }

        return Vector128.Create((ReadOnlySpan<byte>)r);
    }

    private static int AllTrue<T>(V a)
        where T : unmanaged, IEquatable<T>
    {
        var x = a.As<byte, T>();
        for (var i = 0; i < Vector128<T>.Count; i++)
        {
            if (x.GetElement(i).Equals(default))
            {
                return 0;
            }
        }

        return 1;
    }

    private static V Shift<T>(V a, int count, Func<T, int, T> f)
        where T : unmanaged
    {
        var bits = 128 / Vector128<T>.Count;
        var c = count & (bits - 1);
        return Un<T>(a, v => f(v, c));
    }

    /// <summary>Widens lanes <paramref name="start"/>.. of <paramref name="a"/> (half the lanes) with <paramref name="f"/>.</summary>
    private static V Widen<TIn, TOut>(V a, int start, Func<TIn, TOut> f)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        var x = a.As<byte, TIn>();
        var r = Vector128<TOut>.Zero;
        for (var i = 0; i < Vector128<TOut>.Count; i++)
        {
            r = r.WithElement(i, f(x.GetElement(start + i)));
        }

        return r.AsByte();
    }

    private static V ExtMul<TIn, TOut>(V a, V b, int start, Func<TIn, TIn, TOut> f)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        var x = a.As<byte, TIn>();
        var y = b.As<byte, TIn>();
        var r = Vector128<TOut>.Zero;
        for (var i = 0; i < Vector128<TOut>.Count; i++)
        {
            r = r.WithElement(i, f(x.GetElement(start + i), y.GetElement(start + i)));
        }

        return r.AsByte();
    }

    private static V Pairwise<TIn, TOut>(V a, Func<TIn, TIn, TOut> f)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        var x = a.As<byte, TIn>();
        var r = Vector128<TOut>.Zero;
        for (var i = 0; i < Vector128<TOut>.Count; i++)
        {
            r = r.WithElement(i, f(x.GetElement(2 * i), x.GetElement((2 * i) + 1)));
        }

        return r.AsByte();
    }

    private static V Narrow<TIn, TOut>(V a, V b, Func<TIn, TOut> f)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        var x = a.As<byte, TIn>();
        var y = b.As<byte, TIn>();
        var n = Vector128<TIn>.Count;
        var r = Vector128<TOut>.Zero;
        for (var i = 0; i < n; i++)
        {
            r = r.WithElement(i, f(x.GetElement(i)));
            r = r.WithElement(n + i, f(y.GetElement(i)));
        }

        return r.AsByte();
    }

    private static int Bitmask<T>(V a, Func<T, bool> negative)
        where T : unmanaged
    {
        var x = a.As<byte, T>();
        var m = 0;
        for (var i = 0; i < Vector128<T>.Count; i++)
        {
            if (negative(x.GetElement(i)))
            {
                m |= 1 << i;
            }
        }

        return m;
    }

    private static sbyte SatI8(int v) => (sbyte)Math.Clamp(v, sbyte.MinValue, sbyte.MaxValue);

    private static byte SatU8(int v) => (byte)Math.Clamp(v, 0, 255);

    private static short SatI16(int v) => (short)Math.Clamp(v, short.MinValue, short.MaxValue);

    private static ushort SatU16(int v) => (ushort)Math.Clamp(v, 0, 65535);

    // ---- memory ----
    [MethodImpl(Inline)]
    public static V Load(byte* p) => Unsafe.ReadUnaligned<V>(p);

    [MethodImpl(Inline)]
    public static void Store(byte* p, V v) => Unsafe.WriteUnaligned(p, v);

    public static V Load8x8S(byte* p) => Widen<sbyte, short>(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(p)).AsByte(), 0, v => v);

    public static V Load8x8U(byte* p) => Widen<byte, ushort>(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(p)).AsByte(), 0, v => v);

    public static V Load16x4S(byte* p) => Widen<short, int>(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(p)).AsByte(), 0, v => v);

    public static V Load16x4U(byte* p) => Widen<ushort, uint>(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(p)).AsByte(), 0, v => v);

    public static V Load32x2S(byte* p) => Widen<int, long>(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(p)).AsByte(), 0, v => v);

    public static V Load32x2U(byte* p) => Widen<uint, ulong>(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(p)).AsByte(), 0, v => v);

    public static V Load8Splat(byte* p) => Vector128.Create(*p);

    public static V Load16Splat(byte* p) => Vector128.Create(Unsafe.ReadUnaligned<ushort>(p)).AsByte();

    public static V Load32Splat(byte* p) => Vector128.Create(Unsafe.ReadUnaligned<uint>(p)).AsByte();

    public static V Load64Splat(byte* p) => Vector128.Create(Unsafe.ReadUnaligned<ulong>(p)).AsByte();

    public static V Load32Zero(byte* p) => Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(p)).AsByte();

    public static V Load64Zero(byte* p) => Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(p)).AsByte();

    public static V Load8Lane(byte* p, V v, int lane) => v.WithElement(lane, *p);

    public static V Load16Lane(byte* p, V v, int lane) => v.AsUInt16().WithElement(lane, Unsafe.ReadUnaligned<ushort>(p)).AsByte();

    public static V Load32Lane(byte* p, V v, int lane) => v.AsUInt32().WithElement(lane, Unsafe.ReadUnaligned<uint>(p)).AsByte();

    public static V Load64Lane(byte* p, V v, int lane) => v.AsUInt64().WithElement(lane, Unsafe.ReadUnaligned<ulong>(p)).AsByte();

    public static void Store8Lane(byte* p, V v, int lane) => *p = v.GetElement(lane);

    public static void Store16Lane(byte* p, V v, int lane) => Unsafe.WriteUnaligned(p, v.AsUInt16().GetElement(lane));

    public static void Store32Lane(byte* p, V v, int lane) => Unsafe.WriteUnaligned(p, v.AsUInt32().GetElement(lane));

    public static void Store64Lane(byte* p, V v, int lane) => Unsafe.WriteUnaligned(p, v.AsUInt64().GetElement(lane));

    // ---- constants, shuffles, splats, lanes ----
    public static V Const(long lo, long hi) => Vector128.Create(lo, hi).AsByte();

    public static V Shuffle(V a, V b, long lo, long hi)
    {
        var idx = Vector128.Create(lo, hi).AsByte();
        Span<byte> r = stackalloc byte[16];
        for (var i = 0; i < 16; i++)
        {
            var k = idx.GetElement(i);
            r[i] = k < 16 ? a.GetElement(k) : b.GetElement(k - 16);
        }

        return Vector128.Create((ReadOnlySpan<byte>)r);
    }

    public static V Swizzle(V a, V s)
    {
        Span<byte> r = stackalloc byte[16];
        for (var i = 0; i < 16; i++)
        {
            var k = s.GetElement(i);
            r[i] = k < 16 ? a.GetElement(k) : (byte)0;
        }

        return Vector128.Create((ReadOnlySpan<byte>)r);
    }

    public static V SplatI8(int x) => Vector128.Create((byte)x);

    public static V SplatI16(int x) => Vector128.Create((ushort)x).AsByte();

    public static V SplatI32(int x) => Vector128.Create(x).AsByte();

    public static V SplatI64(long x) => Vector128.Create(x).AsByte();

    public static V SplatF32(float x) => Vector128.Create(x).AsByte();

    public static V SplatF64(double x) => Vector128.Create(x).AsByte();

    public static int ExtractI8S(V a, int lane) => a.AsSByte().GetElement(lane);

    public static int ExtractI8U(V a, int lane) => a.GetElement(lane);

    public static int ExtractI16S(V a, int lane) => a.AsInt16().GetElement(lane);

    public static int ExtractI16U(V a, int lane) => a.AsUInt16().GetElement(lane);

    public static int ExtractI32(V a, int lane) => a.AsInt32().GetElement(lane);

    public static long ExtractI64(V a, int lane) => a.AsInt64().GetElement(lane);

    public static float ExtractF32(V a, int lane) => a.AsSingle().GetElement(lane);

    public static double ExtractF64(V a, int lane) => a.AsDouble().GetElement(lane);

    public static V ReplaceI8(V a, int x, int lane) => a.WithElement(lane, (byte)x);

    public static V ReplaceI16(V a, int x, int lane) => a.AsUInt16().WithElement(lane, (ushort)x).AsByte();

    public static V ReplaceI32(V a, int x, int lane) => a.AsInt32().WithElement(lane, x).AsByte();

    public static V ReplaceI64(V a, long x, int lane) => a.AsInt64().WithElement(lane, x).AsByte();

    public static V ReplaceF32(V a, float x, int lane) => a.AsSingle().WithElement(lane, x).AsByte();

    public static V ReplaceF64(V a, double x, int lane) => a.AsDouble().WithElement(lane, x).AsByte();

    // ---- comparisons ----
    [MethodImpl(Inline)]
    public static V I8Eq(V a, V b) => Vector128.Equals(a, b);

    [MethodImpl(Inline)]
    public static V I8Ne(V a, V b) => ~Vector128.Equals(a, b);

    [MethodImpl(Inline)]
    public static V I8LtS(V a, V b) => Vector128.LessThan(a.AsSByte(), b.AsSByte()).AsByte();

    [MethodImpl(Inline)]
    public static V I8LtU(V a, V b) => Vector128.LessThan(a, b);

    [MethodImpl(Inline)]
    public static V I8GtS(V a, V b) => Vector128.GreaterThan(a.AsSByte(), b.AsSByte()).AsByte();

    [MethodImpl(Inline)]
    public static V I8GtU(V a, V b) => Vector128.GreaterThan(a, b);

    public static V I8LeS(V a, V b) => Cmp<sbyte>(a, b, (x, y) => x <= y);

    public static V I8LeU(V a, V b) => Cmp<byte>(a, b, (x, y) => x <= y);

    public static V I8GeS(V a, V b) => Cmp<sbyte>(a, b, (x, y) => x >= y);

    public static V I8GeU(V a, V b) => Cmp<byte>(a, b, (x, y) => x >= y);

    [MethodImpl(Inline)]
    public static V I16Eq(V a, V b) => Vector128.Equals(a.AsUInt16(), b.AsUInt16()).AsByte();

    [MethodImpl(Inline)]
    public static V I16Ne(V a, V b) => (~Vector128.Equals(a.AsUInt16(), b.AsUInt16())).AsByte();

    [MethodImpl(Inline)]
    public static V I16LtS(V a, V b) => Vector128.LessThan(a.AsInt16(), b.AsInt16()).AsByte();

    public static V I16LtU(V a, V b) => Cmp<ushort>(a, b, (x, y) => x < y);

    [MethodImpl(Inline)]
    public static V I16GtS(V a, V b) => Vector128.GreaterThan(a.AsInt16(), b.AsInt16()).AsByte();

    public static V I16GtU(V a, V b) => Cmp<ushort>(a, b, (x, y) => x > y);

    public static V I16LeS(V a, V b) => Cmp<short>(a, b, (x, y) => x <= y);

    public static V I16LeU(V a, V b) => Cmp<ushort>(a, b, (x, y) => x <= y);

    public static V I16GeS(V a, V b) => Cmp<short>(a, b, (x, y) => x >= y);

    public static V I16GeU(V a, V b) => Cmp<ushort>(a, b, (x, y) => x >= y);

    [MethodImpl(Inline)]
    public static V I32Eq(V a, V b) => Vector128.Equals(a.AsUInt32(), b.AsUInt32()).AsByte();

    [MethodImpl(Inline)]
    public static V I32Ne(V a, V b) => (~Vector128.Equals(a.AsUInt32(), b.AsUInt32())).AsByte();

    [MethodImpl(Inline)]
    public static V I32LtS(V a, V b) => Vector128.LessThan(a.AsInt32(), b.AsInt32()).AsByte();

    public static V I32LtU(V a, V b) => Cmp<uint>(a, b, (x, y) => x < y);

    [MethodImpl(Inline)]
    public static V I32GtS(V a, V b) => Vector128.GreaterThan(a.AsInt32(), b.AsInt32()).AsByte();

    public static V I32GtU(V a, V b) => Cmp<uint>(a, b, (x, y) => x > y);

    public static V I32LeS(V a, V b) => Cmp<int>(a, b, (x, y) => x <= y);

    public static V I32LeU(V a, V b) => Cmp<uint>(a, b, (x, y) => x <= y);

    public static V I32GeS(V a, V b) => Cmp<int>(a, b, (x, y) => x >= y);

    public static V I32GeU(V a, V b) => Cmp<uint>(a, b, (x, y) => x >= y);

    public static V I64Eq(V a, V b) => Cmp<long>(a, b, (x, y) => x == y);

    public static V I64Ne(V a, V b) => Cmp<long>(a, b, (x, y) => x != y);

    public static V I64LtS(V a, V b) => Cmp<long>(a, b, (x, y) => x < y);

    public static V I64GtS(V a, V b) => Cmp<long>(a, b, (x, y) => x > y);

    public static V I64LeS(V a, V b) => Cmp<long>(a, b, (x, y) => x <= y);

    public static V I64GeS(V a, V b) => Cmp<long>(a, b, (x, y) => x >= y);

    [MethodImpl(Inline)]
    public static V F32Eq(V a, V b) => Vector128.Equals(a.AsSingle(), b.AsSingle()).AsByte();

    public static V F32Ne(V a, V b) => Cmp<float>(a, b, (x, y) => x != y);

    [MethodImpl(Inline)]
    public static V F32Lt(V a, V b) => Vector128.LessThan(a.AsSingle(), b.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F32Gt(V a, V b) => Vector128.GreaterThan(a.AsSingle(), b.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F32Le(V a, V b) => Vector128.LessThanOrEqual(a.AsSingle(), b.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F32Ge(V a, V b) => Vector128.GreaterThanOrEqual(a.AsSingle(), b.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Eq(V a, V b) => Vector128.Equals(a.AsDouble(), b.AsDouble()).AsByte();

    public static V F64Ne(V a, V b) => Cmp<double>(a, b, (x, y) => x != y);

    [MethodImpl(Inline)]
    public static V F64Lt(V a, V b) => Vector128.LessThan(a.AsDouble(), b.AsDouble()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Gt(V a, V b) => Vector128.GreaterThan(a.AsDouble(), b.AsDouble()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Le(V a, V b) => Vector128.LessThanOrEqual(a.AsDouble(), b.AsDouble()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Ge(V a, V b) => Vector128.GreaterThanOrEqual(a.AsDouble(), b.AsDouble()).AsByte();

    // ---- bitwise ----
    [MethodImpl(Inline)]
    public static V Not(V a) => ~a;

    [MethodImpl(Inline)]
    public static V And(V a, V b) => a & b;

    [MethodImpl(Inline)]
    public static V AndNot(V a, V b) => a & ~b;

    [MethodImpl(Inline)]
    public static V Or(V a, V b) => a | b;

    [MethodImpl(Inline)]
    public static V Xor(V a, V b) => a ^ b;

    [MethodImpl(Inline)]
    public static V Bitselect(V a, V b, V c) => (a & c) | (b & ~c);

    public static int AnyTrue(V a) => a == V.Zero ? 0 : 1;

    // ---- i8x16 ----
    public static V I8Abs(V a) => Un<sbyte>(a, x => (sbyte)(x < 0 ? -x : x));

    [MethodImpl(Inline)]
    public static V I8Neg(V a) => V.Zero - a;

    public static V I8Popcnt(V a) => Un<byte>(a, x => (byte)BitOperations.PopCount(x));

    public static int I8AllTrue(V a) => AllTrue<byte>(a);

    public static int I8Bitmask(V a) => Bitmask<sbyte>(a, x => x < 0);

    public static V I8NarrowS(V a, V b) => Narrow<short, sbyte>(a, b, x => SatI8(x));

    public static V I8NarrowU(V a, V b) => Narrow<short, byte>(a, b, x => SatU8(x));

    public static V I8Shl(V a, int c) => Shift<byte>(a, c, (x, n) => (byte)(x << n));

    public static V I8ShrS(V a, int c) => Shift<sbyte>(a, c, (x, n) => (sbyte)(x >> n));

    public static V I8ShrU(V a, int c) => Shift<byte>(a, c, (x, n) => (byte)(x >> n));

    [MethodImpl(Inline)]
    public static V I8Add(V a, V b) => a + b;

    public static V I8AddSatS(V a, V b) => Bin<sbyte>(a, b, (x, y) => SatI8(x + y));

    public static V I8AddSatU(V a, V b) => Bin<byte>(a, b, (x, y) => SatU8(x + y));

    [MethodImpl(Inline)]
    public static V I8Sub(V a, V b) => a - b;

    public static V I8SubSatS(V a, V b) => Bin<sbyte>(a, b, (x, y) => SatI8(x - y));

    public static V I8SubSatU(V a, V b) => Bin<byte>(a, b, (x, y) => SatU8(x - y));

    public static V I8MinS(V a, V b) => Bin<sbyte>(a, b, Math.Min);

    public static V I8MinU(V a, V b) => Bin<byte>(a, b, Math.Min);

    public static V I8MaxS(V a, V b) => Bin<sbyte>(a, b, Math.Max);

    public static V I8MaxU(V a, V b) => Bin<byte>(a, b, Math.Max);

    public static V I8AvgrU(V a, V b) => Bin<byte>(a, b, (x, y) => (byte)((x + y + 1) >> 1));

    // ---- i16x8 ----
    public static V I16ExtaddPairwiseS(V a) => Pairwise<sbyte, short>(a, (x, y) => (short)(x + y));

    public static V I16ExtaddPairwiseU(V a) => Pairwise<byte, ushort>(a, (x, y) => (ushort)(x + y));

    public static V I16Abs(V a) => Un<short>(a, x => (short)(x < 0 ? -x : x));

    [MethodImpl(Inline)]
    public static V I16Neg(V a) => (Vector128<short>.Zero - a.AsInt16()).AsByte();

    public static V I16Q15MulrSatS(V a, V b) => Bin<short>(a, b, (x, y) => SatI16(((x * y) + 0x4000) >> 15));

    public static int I16AllTrue(V a) => AllTrue<ushort>(a);

    public static int I16Bitmask(V a) => Bitmask<short>(a, x => x < 0);

    public static V I16NarrowS(V a, V b) => Narrow<int, short>(a, b, SatI16);

    public static V I16NarrowU(V a, V b) => Narrow<int, ushort>(a, b, SatU16);

    public static V I16ExtendLowS(V a) => Widen<sbyte, short>(a, 0, x => x);

    public static V I16ExtendHighS(V a) => Widen<sbyte, short>(a, 8, x => x);

    public static V I16ExtendLowU(V a) => Widen<byte, ushort>(a, 0, x => x);

    public static V I16ExtendHighU(V a) => Widen<byte, ushort>(a, 8, x => x);

    [MethodImpl(Inline)]
    public static V I16Shl(V a, int c) => Vector128.ShiftLeft(a.AsUInt16(), c & 15).AsByte();

    [MethodImpl(Inline)]
    public static V I16ShrS(V a, int c) => Vector128.ShiftRightArithmetic(a.AsInt16(), c & 15).AsByte();

    [MethodImpl(Inline)]
    public static V I16ShrU(V a, int c) => Vector128.ShiftRightLogical(a.AsUInt16(), c & 15).AsByte();

    [MethodImpl(Inline)]
    public static V I16Add(V a, V b) => (a.AsUInt16() + b.AsUInt16()).AsByte();

    public static V I16AddSatS(V a, V b) => Bin<short>(a, b, (x, y) => SatI16(x + y));

    public static V I16AddSatU(V a, V b) => Bin<ushort>(a, b, (x, y) => SatU16(x + y));

    [MethodImpl(Inline)]
    public static V I16Sub(V a, V b) => (a.AsUInt16() - b.AsUInt16()).AsByte();

    public static V I16SubSatS(V a, V b) => Bin<short>(a, b, (x, y) => SatI16(x - y));

    public static V I16SubSatU(V a, V b) => Bin<ushort>(a, b, (x, y) => SatU16(x - y));

    [MethodImpl(Inline)]
    public static V I16Mul(V a, V b) => (a.AsUInt16() * b.AsUInt16()).AsByte();

    public static V I16MinS(V a, V b) => Bin<short>(a, b, Math.Min);

    public static V I16MinU(V a, V b) => Bin<ushort>(a, b, Math.Min);

    public static V I16MaxS(V a, V b) => Bin<short>(a, b, Math.Max);

    public static V I16MaxU(V a, V b) => Bin<ushort>(a, b, Math.Max);

    public static V I16AvgrU(V a, V b) => Bin<ushort>(a, b, (x, y) => (ushort)((x + y + 1) >> 1));

    public static V I16ExtmulLowS(V a, V b) => ExtMul<sbyte, short>(a, b, 0, (x, y) => (short)(x * y));

    public static V I16ExtmulHighS(V a, V b) => ExtMul<sbyte, short>(a, b, 8, (x, y) => (short)(x * y));

    public static V I16ExtmulLowU(V a, V b) => ExtMul<byte, ushort>(a, b, 0, (x, y) => (ushort)(x * y));

    public static V I16ExtmulHighU(V a, V b) => ExtMul<byte, ushort>(a, b, 8, (x, y) => (ushort)(x * y));

    // ---- i32x4 ----
    public static V I32ExtaddPairwiseS(V a) => Pairwise<short, int>(a, (x, y) => x + y);

    public static V I32ExtaddPairwiseU(V a) => Pairwise<ushort, uint>(a, (x, y) => (uint)(x + y));

    public static V I32Abs(V a) => Un<int>(a, x => x < 0 ? -x : x);

    [MethodImpl(Inline)]
    public static V I32Neg(V a) => (Vector128<int>.Zero - a.AsInt32()).AsByte();

    public static int I32AllTrue(V a) => AllTrue<uint>(a);

    public static int I32Bitmask(V a) => Bitmask<int>(a, x => x < 0);

    public static V I32ExtendLowS(V a) => Widen<short, int>(a, 0, x => x);

    public static V I32ExtendHighS(V a) => Widen<short, int>(a, 4, x => x);

    public static V I32ExtendLowU(V a) => Widen<ushort, uint>(a, 0, x => x);

    public static V I32ExtendHighU(V a) => Widen<ushort, uint>(a, 4, x => x);

    [MethodImpl(Inline)]
    public static V I32Shl(V a, int c) => Vector128.ShiftLeft(a.AsInt32(), c & 31).AsByte();

    [MethodImpl(Inline)]
    public static V I32ShrS(V a, int c) => Vector128.ShiftRightArithmetic(a.AsInt32(), c & 31).AsByte();

    [MethodImpl(Inline)]
    public static V I32ShrU(V a, int c) => Vector128.ShiftRightLogical(a.AsUInt32(), c & 31).AsByte();

    [MethodImpl(Inline)]
    public static V I32Add(V a, V b) => (a.AsInt32() + b.AsInt32()).AsByte();

    [MethodImpl(Inline)]
    public static V I32Sub(V a, V b) => (a.AsInt32() - b.AsInt32()).AsByte();

    [MethodImpl(Inline)]
    public static V I32Mul(V a, V b) => (a.AsInt32() * b.AsInt32()).AsByte();

    [MethodImpl(Inline)]
    public static V I32MinS(V a, V b) => Vector128.Min(a.AsInt32(), b.AsInt32()).AsByte();

    public static V I32MinU(V a, V b) => Bin<uint>(a, b, Math.Min);

    [MethodImpl(Inline)]
    public static V I32MaxS(V a, V b) => Vector128.Max(a.AsInt32(), b.AsInt32()).AsByte();

    public static V I32MaxU(V a, V b) => Bin<uint>(a, b, Math.Max);

    public static V I32DotS(V a, V b)
    {
        var x = a.AsInt16();
        var y = b.AsInt16();
        var r = Vector128<int>.Zero;
        for (var i = 0; i < 4; i++)
        {
            r = r.WithElement(i, (x.GetElement(2 * i) * y.GetElement(2 * i)) + (x.GetElement((2 * i) + 1) * y.GetElement((2 * i) + 1)));
        }

        return r.AsByte();
    }

    public static V I32ExtmulLowS(V a, V b) => ExtMul<short, int>(a, b, 0, (x, y) => x * y);

    public static V I32ExtmulHighS(V a, V b) => ExtMul<short, int>(a, b, 4, (x, y) => x * y);

    public static V I32ExtmulLowU(V a, V b) => ExtMul<ushort, uint>(a, b, 0, (x, y) => (uint)x * y);

    public static V I32ExtmulHighU(V a, V b) => ExtMul<ushort, uint>(a, b, 4, (x, y) => (uint)x * y);

    // ---- i64x2 ----
    public static V I64Abs(V a) => Un<long>(a, x => x < 0 ? -x : x);

    [MethodImpl(Inline)]
    public static V I64Neg(V a) => (Vector128<long>.Zero - a.AsInt64()).AsByte();

    public static int I64AllTrue(V a) => AllTrue<ulong>(a);

    public static int I64Bitmask(V a) => Bitmask<long>(a, x => x < 0);

    public static V I64ExtendLowS(V a) => Widen<int, long>(a, 0, x => x);

    public static V I64ExtendHighS(V a) => Widen<int, long>(a, 2, x => x);

    public static V I64ExtendLowU(V a) => Widen<uint, ulong>(a, 0, x => x);

    public static V I64ExtendHighU(V a) => Widen<uint, ulong>(a, 2, x => x);

    [MethodImpl(Inline)]
    public static V I64Shl(V a, int c) => Vector128.ShiftLeft(a.AsInt64(), c & 63).AsByte();

    public static V I64ShrS(V a, int c) => Shift<long>(a, c, (x, n) => x >> n);

    [MethodImpl(Inline)]
    public static V I64ShrU(V a, int c) => Vector128.ShiftRightLogical(a.AsUInt64(), c & 63).AsByte();

    [MethodImpl(Inline)]
    public static V I64Add(V a, V b) => (a.AsInt64() + b.AsInt64()).AsByte();

    [MethodImpl(Inline)]
    public static V I64Sub(V a, V b) => (a.AsInt64() - b.AsInt64()).AsByte();

    [MethodImpl(Inline)]
    public static V I64Mul(V a, V b) => (a.AsInt64() * b.AsInt64()).AsByte();

    public static V I64ExtmulLowS(V a, V b) => ExtMul<int, long>(a, b, 0, (x, y) => (long)x * y);

    public static V I64ExtmulHighS(V a, V b) => ExtMul<int, long>(a, b, 2, (x, y) => (long)x * y);

    public static V I64ExtmulLowU(V a, V b) => ExtMul<uint, ulong>(a, b, 0, (x, y) => (ulong)x * y);

    public static V I64ExtmulHighU(V a, V b) => ExtMul<uint, ulong>(a, b, 2, (x, y) => (ulong)x * y);

    // ---- f32x4 ----
    public static V F32Ceil(V a) => Un<float>(a, Num.CeilF32);

    public static V F32Floor(V a) => Un<float>(a, Num.FloorF32);

    public static V F32Trunc(V a) => Un<float>(a, Num.TruncF32);

    public static V F32Nearest(V a) => Un<float>(a, Num.NearestF32);

    [MethodImpl(Inline)]
    public static V F32Abs(V a) => a & Vector128.Create(0x7FFFFFFF).AsByte();

    [MethodImpl(Inline)]
    public static V F32Neg(V a) => a ^ Vector128.Create(int.MinValue).AsByte();

    [MethodImpl(Inline)]
    public static V F32Sqrt(V a) => Vector128.Sqrt(a.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F32Add(V a, V b) => (a.AsSingle() + b.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F32Sub(V a, V b) => (a.AsSingle() - b.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F32Mul(V a, V b) => (a.AsSingle() * b.AsSingle()).AsByte();

    [MethodImpl(Inline)]
    public static V F32Div(V a, V b) => (a.AsSingle() / b.AsSingle()).AsByte();

    public static V F32Min(V a, V b) => Bin<float>(a, b, Num.MinF32);

    public static V F32Max(V a, V b) => Bin<float>(a, b, Num.MaxF32);

    public static V F32Pmin(V a, V b) => Bin<float>(a, b, (x, y) => y < x ? y : x);

    public static V F32Pmax(V a, V b) => Bin<float>(a, b, (x, y) => x < y ? y : x);

    public static V F32DemoteZero(V a)
    {
        var x = a.AsDouble();
        return Vector128.Create((float)x.GetElement(0), (float)x.GetElement(1), 0f, 0f).AsByte();
    }

    public static V F32ConvertS(V a) => Un<int>(a, x => BitConverter.SingleToInt32Bits((float)x));

    public static V F32ConvertU(V a) => Un<uint>(a, x => (uint)BitConverter.SingleToInt32Bits((float)x));

    public static V I32TruncSatF32S(V a) => Un<int>(a, x => Num.SatF32ToI32(BitConverter.Int32BitsToSingle(x)));

    public static V I32TruncSatF32U(V a) => Un<int>(a, x => Num.SatF32ToU32(BitConverter.Int32BitsToSingle(x)));

    // ---- f64x2 ----
    public static V F64Ceil(V a) => Un<double>(a, Num.CeilF64);

    public static V F64Floor(V a) => Un<double>(a, Num.FloorF64);

    public static V F64Trunc(V a) => Un<double>(a, Num.TruncF64);

    public static V F64Nearest(V a) => Un<double>(a, Num.NearestF64);

    [MethodImpl(Inline)]
    public static V F64Abs(V a) => a & Vector128.Create(long.MaxValue).AsByte();

    [MethodImpl(Inline)]
    public static V F64Neg(V a) => a ^ Vector128.Create(long.MinValue).AsByte();

    [MethodImpl(Inline)]
    public static V F64Sqrt(V a) => Vector128.Sqrt(a.AsDouble()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Add(V a, V b) => (a.AsDouble() + b.AsDouble()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Sub(V a, V b) => (a.AsDouble() - b.AsDouble()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Mul(V a, V b) => (a.AsDouble() * b.AsDouble()).AsByte();

    [MethodImpl(Inline)]
    public static V F64Div(V a, V b) => (a.AsDouble() / b.AsDouble()).AsByte();

    public static V F64Min(V a, V b) => Bin<double>(a, b, Num.MinF64);

    public static V F64Max(V a, V b) => Bin<double>(a, b, Num.MaxF64);

    public static V F64Pmin(V a, V b) => Bin<double>(a, b, (x, y) => y < x ? y : x);

    public static V F64Pmax(V a, V b) => Bin<double>(a, b, (x, y) => x < y ? y : x);

    public static V F64PromoteLow(V a)
    {
        var x = a.AsSingle();
        return Vector128.Create(Num.PromoteF32(x.GetElement(0)), Num.PromoteF32(x.GetElement(1))).AsByte();
    }

    public static V F64ConvertLowS(V a)
    {
        var x = a.AsInt32();
        return Vector128.Create((double)x.GetElement(0), x.GetElement(1)).AsByte();
    }

    public static V F64ConvertLowU(V a)
    {
        var x = a.AsUInt32();
        return Vector128.Create((double)x.GetElement(0), x.GetElement(1)).AsByte();
    }

    public static V I32TruncSatF64SZero(V a)
    {
        var x = a.AsDouble();
        return Vector128.Create(Num.SatF64ToI32(x.GetElement(0)), Num.SatF64ToI32(x.GetElement(1)), 0, 0).AsByte();
    }

    public static V I32TruncSatF64UZero(V a)
    {
        var x = a.AsDouble();
        return Vector128.Create(Num.SatF64ToU32(x.GetElement(0)), Num.SatF64ToU32(x.GetElement(1)), 0, 0).AsByte();
    }
}
