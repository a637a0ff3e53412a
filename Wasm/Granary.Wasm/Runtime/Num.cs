using System.Numerics;
using System.Runtime.CompilerServices;

namespace Granary.Wasm.Runtime;

/// <summary>Numeric instructions whose WebAssembly semantics differ from a single IL opcode.</summary>
internal static class Num
{
    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;

    // Mutable on purpose: the JIT must not see these as constants (see FunctionCompiler.EmitF32Const).
#pragma warning disable CA2211 // Non-constant fields should not be visible
    public static float F32Zero;
    public static float F32NegZero = -0.0f;
    public static float F32One = 1.0f;
    public static float F32NegOne = -1.0f;
    public static double F64Zero;
    public static double F64NegZero = -0.0;
    public static double F64One = 1.0;
    public static double F64NegOne = -1.0;
#pragma warning restore CA2211

    /// <summary>f64.promote_f32; written so the JIT cannot fold demote(promote(x)) into x, which must quiet a NaN.</summary>
    [MethodImpl(Inline)]
    public static double PromoteF32(float a) => float.IsNaN(a) ? (double)a * F64One : a;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float F32FromBits(int bits) => BitConverter.Int32BitsToSingle(bits);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double F64FromBits(long bits) => BitConverter.Int64BitsToDouble(bits);

    [MethodImpl(Inline)]
    public static int DivS32(int a, int b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        if (b == -1 && a == int.MinValue)
        {
            Trap.ThrowOverflow();
        }

        return a / b;
    }

    [MethodImpl(Inline)]
    public static int DivU32(int a, int b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        return (int)((uint)a / (uint)b);
    }

    [MethodImpl(Inline)]
    public static int RemS32(int a, int b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(Inline)]
    public static int RemU32(int a, int b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        return (int)((uint)a % (uint)b);
    }

    [MethodImpl(Inline)]
    public static long DivS64(long a, long b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        if (b == -1 && a == long.MinValue)
        {
            Trap.ThrowOverflow();
        }

        return a / b;
    }

    [MethodImpl(Inline)]
    public static long DivU64(long a, long b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        return (long)((ulong)a / (ulong)b);
    }

    [MethodImpl(Inline)]
    public static long RemS64(long a, long b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        return b == -1 ? 0 : a % b;
    }

    [MethodImpl(Inline)]
    public static long RemU64(long a, long b)
    {
        if (b == 0)
        {
            Trap.ThrowDivideByZero();
        }

        return (long)((ulong)a % (ulong)b);
    }

    [MethodImpl(Inline)]
    public static int Clz32(int a) => BitOperations.LeadingZeroCount((uint)a);

    [MethodImpl(Inline)]
    public static int Ctz32(int a) => BitOperations.TrailingZeroCount(a);

    [MethodImpl(Inline)]
    public static int Popcnt32(int a) => BitOperations.PopCount((uint)a);

    [MethodImpl(Inline)]
    public static int Rotl32(int a, int b) => (int)BitOperations.RotateLeft((uint)a, b);

    [MethodImpl(Inline)]
    public static int Rotr32(int a, int b) => (int)BitOperations.RotateRight((uint)a, b);

    [MethodImpl(Inline)]
    public static long Clz64(long a) => BitOperations.LeadingZeroCount((ulong)a);

    [MethodImpl(Inline)]
    public static long Ctz64(long a) => BitOperations.TrailingZeroCount(a);

    [MethodImpl(Inline)]
    public static long Popcnt64(long a) => BitOperations.PopCount((ulong)a);

    [MethodImpl(Inline)]
    public static long Rotl64(long a, long b) => (long)BitOperations.RotateLeft((ulong)a, (int)b);

    [MethodImpl(Inline)]
    public static long Rotr64(long a, long b) => (long)BitOperations.RotateRight((ulong)a, (int)b);

    [MethodImpl(Inline)]
    public static float NegF32(float a) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) ^ int.MinValue);

    [MethodImpl(Inline)]
    public static double NegF64(double a) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) ^ long.MinValue);

    [MethodImpl(Inline)]
    public static float AbsF32(float a) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & int.MaxValue);

    [MethodImpl(Inline)]
    public static double AbsF64(double a) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) & long.MaxValue);

    [MethodImpl(Inline)]
    public static float CopySignF32(float a, float b) => BitConverter.Int32BitsToSingle(
        (BitConverter.SingleToInt32Bits(a) & int.MaxValue) | (BitConverter.SingleToInt32Bits(b) & int.MinValue));

    [MethodImpl(Inline)]
    public static double CopySignF64(double a, double b) => BitConverter.Int64BitsToDouble(
        (BitConverter.DoubleToInt64Bits(a) & long.MaxValue) | (BitConverter.DoubleToInt64Bits(b) & long.MinValue));

    [MethodImpl(Inline)]
    public static float MinF32(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Min(a, b);

    [MethodImpl(Inline)]
    public static float MaxF32(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Max(a, b);

    [MethodImpl(Inline)]
    public static double MinF64(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Min(a, b);

    [MethodImpl(Inline)]
    public static double MaxF64(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Max(a, b);

    [MethodImpl(Inline)]
    public static float CeilF32(float a) => MathF.Ceiling(a);

    [MethodImpl(Inline)]
    public static float FloorF32(float a) => MathF.Floor(a);

    [MethodImpl(Inline)]
    public static float TruncF32(float a) => MathF.Truncate(a);

    [MethodImpl(Inline)]
    public static float NearestF32(float a) => MathF.Round(a, MidpointRounding.ToEven);

    [MethodImpl(Inline)]
    public static float SqrtF32(float a) => MathF.Sqrt(a);

    [MethodImpl(Inline)]
    public static double CeilF64(double a) => Math.Ceiling(a);

    [MethodImpl(Inline)]
    public static double FloorF64(double a) => Math.Floor(a);

    [MethodImpl(Inline)]
    public static double TruncF64(double a) => Math.Truncate(a);

    [MethodImpl(Inline)]
    public static double NearestF64(double a) => Math.Round(a, MidpointRounding.ToEven);

    [MethodImpl(Inline)]
    public static double SqrtF64(double a) => Math.Sqrt(a);

    [MethodImpl(Inline)]
    public static float U64ToF32(long a)
    {
        if (a >= 0)
        {
            return a;
        }

        // Halve with a sticky low bit so that the single rounding of the signed conversion is correct.
        var u = (ulong)a;
        var half = (long)((u >> 1) | (u & 1));
        float f = half;
        return f + f;
    }

    [MethodImpl(Inline)]
    public static double U64ToF64(long a)
    {
        if (a >= 0)
        {
            return a;
        }

        var u = (ulong)a;
        var half = (long)((u >> 1) | (u & 1));
        double d = half;
        return d + d;
    }

    public static int TruncF32ToI32(float a)
    {
        if (float.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a >= -2147483648.0f && a < 2147483648.0f))
        {
            Trap.ThrowOverflow();
        }

        return (int)a;
    }

    public static int TruncF32ToU32(float a)
    {
        if (float.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a > -1.0f && a < 4294967296.0f))
        {
            Trap.ThrowOverflow();
        }

        return (int)(uint)a;
    }

    public static int TruncF64ToI32(double a)
    {
        if (double.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a > -2147483649.0 && a < 2147483648.0))
        {
            Trap.ThrowOverflow();
        }

        return (int)a;
    }

    public static int TruncF64ToU32(double a)
    {
        if (double.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a > -1.0 && a < 4294967296.0))
        {
            Trap.ThrowOverflow();
        }

        return (int)(uint)a;
    }

    public static long TruncF32ToI64(float a)
    {
        if (float.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a >= -9223372036854775808.0f && a < 9223372036854775808.0f))
        {
            Trap.ThrowOverflow();
        }

        return (long)a;
    }

    public static long TruncF32ToU64(float a)
    {
        if (float.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a > -1.0f && a < 18446744073709551616.0f))
        {
            Trap.ThrowOverflow();
        }

        return (long)(ulong)a;
    }

    public static long TruncF64ToI64(double a)
    {
        if (double.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a >= -9223372036854775808.0 && a < 9223372036854775808.0))
        {
            Trap.ThrowOverflow();
        }

        return (long)a;
    }

    public static long TruncF64ToU64(double a)
    {
        if (double.IsNaN(a))
        {
            Trap.ThrowInvalidConversion();
        }

        if (!(a > -1.0 && a < 18446744073709551616.0))
        {
            Trap.ThrowOverflow();
        }

        return (long)(ulong)a;
    }

    public static int SatF32ToI32(float a) =>
        float.IsNaN(a) ? 0 : a >= 2147483648.0f ? int.MaxValue : a < -2147483648.0f ? int.MinValue : (int)a;

    public static int SatF32ToU32(float a) =>
        float.IsNaN(a) || a <= -1.0f ? 0 : a >= 4294967296.0f ? -1 : (int)(uint)a;

    public static int SatF64ToI32(double a) =>
        double.IsNaN(a) ? 0 : a >= 2147483648.0 ? int.MaxValue : a <= -2147483649.0 ? int.MinValue : (int)a;

    public static int SatF64ToU32(double a) =>
        double.IsNaN(a) || a <= -1.0 ? 0 : a >= 4294967296.0 ? -1 : (int)(uint)a;

    public static long SatF32ToI64(float a) =>
        float.IsNaN(a) ? 0 : a >= 9223372036854775808.0f ? long.MaxValue : a < -9223372036854775808.0f ? long.MinValue : (long)a;

    public static long SatF32ToU64(float a) =>
        float.IsNaN(a) || a <= -1.0f ? 0 : a >= 18446744073709551616.0f ? -1 : (long)(ulong)a;

    public static long SatF64ToI64(double a) =>
        double.IsNaN(a) ? 0 : a >= 9223372036854775808.0 ? long.MaxValue : a < -9223372036854775808.0 ? long.MinValue : (long)a;

    public static long SatF64ToU64(double a) =>
        double.IsNaN(a) || a <= -1.0 ? 0 : a >= 18446744073709551616.0 ? -1 : (long)(ulong)a;
}
