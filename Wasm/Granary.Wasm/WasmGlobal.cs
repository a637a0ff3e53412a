using Granary.Wasm.Model;

namespace Granary.Wasm;

/// <summary>
/// A global variable cell. Created by the host to be imported or by an instance; exported globals are shared
/// cells, so a mutable global written by one instance is seen by every instance that imports it.
/// </summary>
public sealed class WasmGlobal
{
    // Numeric values as raw bits (f32 in the low 32 bits); references in Ref. Read directly by generated code.
    internal long Bits;
    internal object? Ref;
    internal System.Runtime.Intrinsics.Vector128<byte> Vec;

    internal WasmGlobal(GlobalType type) => Type = type;

    internal GlobalType Type { get; }

    /// <summary>Whether WebAssembly code may write the global.</summary>
    public bool Mutable => Type.Mutable;

    /// <summary>The value, boxed as int, long, float, double, or the reference (null for a null reference).</summary>
    public object? Value
    {
        get => Type.Type switch
        {
            ValType.I32 => (int)Bits,
            ValType.I64 => Bits,
            ValType.F32 => BitConverter.Int32BitsToSingle((int)Bits),
            ValType.F64 => BitConverter.Int64BitsToDouble(Bits),
            ValType.V128 => Vec,
            _ => Ref,
        };
        set
        {
            switch (Type.Type)
            {
                case ValType.I32:
                    Bits = (int)value!;
                    break;
                case ValType.I64:
                    Bits = (long)value!;
                    break;
                case ValType.F32:
                    Bits = BitConverter.SingleToInt32Bits((float)value!);
                    break;
                case ValType.F64:
                    Bits = BitConverter.DoubleToInt64Bits((double)value!);
                    break;
                case ValType.V128:
                    Vec = (System.Runtime.Intrinsics.Vector128<byte>)value!;
                    break;
                default:
                    Ref = value;
                    break;
            }
        }
    }

    /// <summary>Creates an i32 global.</summary>
    public static WasmGlobal I32(int value, bool mutable = false) => new(new GlobalType(ValType.I32, mutable)) { Bits = value };

    /// <summary>Creates an i64 global.</summary>
    public static WasmGlobal I64(long value, bool mutable = false) => new(new GlobalType(ValType.I64, mutable)) { Bits = value };

    /// <summary>Creates an f32 global.</summary>
    public static WasmGlobal F32(float value, bool mutable = false) => new(new GlobalType(ValType.F32, mutable)) { Bits = BitConverter.SingleToInt32Bits(value) };

    /// <summary>Creates an f64 global.</summary>
    public static WasmGlobal F64(double value, bool mutable = false) => new(new GlobalType(ValType.F64, mutable)) { Bits = BitConverter.DoubleToInt64Bits(value) };
}
