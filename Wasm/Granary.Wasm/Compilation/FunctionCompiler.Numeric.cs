using System.Reflection.Emit;
using Granary.Wasm.Model;
using Granary.Wasm.Runtime;

namespace Granary.Wasm.Compilation;

/// <summary>Numeric instructions 0x45..0xC4.</summary>
internal sealed partial class FunctionCompiler
{
    private void CompileNumeric(byte op)
    {
        const ValType I32 = ValType.I32, I64 = ValType.I64, F32 = ValType.F32, F64 = ValType.F64;
        switch (op)
        {
            case 0x45: Un(I32, I32, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x46: Bin(I32, I32, OpCodes.Ceq); break;
            case 0x47: Bin(I32, I32, OpCodes.Ceq, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x48: Bin(I32, I32, OpCodes.Clt); break;
            case 0x49: Bin(I32, I32, OpCodes.Clt_Un); break;
            case 0x4A: Bin(I32, I32, OpCodes.Cgt); break;
            case 0x4B: Bin(I32, I32, OpCodes.Cgt_Un); break;
            case 0x4C: Bin(I32, I32, OpCodes.Cgt, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x4D: Bin(I32, I32, OpCodes.Cgt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x4E: Bin(I32, I32, OpCodes.Clt, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x4F: Bin(I32, I32, OpCodes.Clt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x50: Un(I64, I32, OpCodes.Ldc_I4_0, OpCodes.Conv_I8, OpCodes.Ceq); break;
            case 0x51: Bin(I64, I32, OpCodes.Ceq); break;
            case 0x52: Bin(I64, I32, OpCodes.Ceq, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x53: Bin(I64, I32, OpCodes.Clt); break;
            case 0x54: Bin(I64, I32, OpCodes.Clt_Un); break;
            case 0x55: Bin(I64, I32, OpCodes.Cgt); break;
            case 0x56: Bin(I64, I32, OpCodes.Cgt_Un); break;
            case 0x57: Bin(I64, I32, OpCodes.Cgt, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x58: Bin(I64, I32, OpCodes.Cgt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x59: Bin(I64, I32, OpCodes.Clt, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x5A: Bin(I64, I32, OpCodes.Clt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x5B: Bin(F32, I32, OpCodes.Ceq); break;
            case 0x5C: Bin(F32, I32, OpCodes.Ceq, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x5D: Bin(F32, I32, OpCodes.Clt); break;
            case 0x5E: Bin(F32, I32, OpCodes.Cgt); break;
            case 0x5F: Bin(F32, I32, OpCodes.Cgt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x60: Bin(F32, I32, OpCodes.Clt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x61: Bin(F64, I32, OpCodes.Ceq); break;
            case 0x62: Bin(F64, I32, OpCodes.Ceq, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x63: Bin(F64, I32, OpCodes.Clt); break;
            case 0x64: Bin(F64, I32, OpCodes.Cgt); break;
            case 0x65: Bin(F64, I32, OpCodes.Cgt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x66: Bin(F64, I32, OpCodes.Clt_Un, OpCodes.Ldc_I4_0, OpCodes.Ceq); break;
            case 0x67: UnCall(I32, I32, nameof(Num.Clz32)); break;
            case 0x68: UnCall(I32, I32, nameof(Num.Ctz32)); break;
            case 0x69: UnCall(I32, I32, nameof(Num.Popcnt32)); break;
            case 0x6A: Bin(I32, I32, OpCodes.Add); break;
            case 0x6B: Bin(I32, I32, OpCodes.Sub); break;
            case 0x6C: Bin(I32, I32, OpCodes.Mul); break;
            case 0x6D: BinCall(I32, I32, nameof(Num.DivS32)); break;
            case 0x6E: BinCall(I32, I32, nameof(Num.DivU32)); break;
            case 0x6F: BinCall(I32, I32, nameof(Num.RemS32)); break;
            case 0x70: BinCall(I32, I32, nameof(Num.RemU32)); break;
            case 0x71: Bin(I32, I32, OpCodes.And); break;
            case 0x72: Bin(I32, I32, OpCodes.Or); break;
            case 0x73: Bin(I32, I32, OpCodes.Xor); break;
            case 0x74: Shift(I32, OpCodes.Shl); break;
            case 0x75: Shift(I32, OpCodes.Shr); break;
            case 0x76: Shift(I32, OpCodes.Shr_Un); break;
            case 0x77: BinCall(I32, I32, nameof(Num.Rotl32)); break;
            case 0x78: BinCall(I32, I32, nameof(Num.Rotr32)); break;
            case 0x79: UnCall(I64, I64, nameof(Num.Clz64)); break;
            case 0x7A: UnCall(I64, I64, nameof(Num.Ctz64)); break;
            case 0x7B: UnCall(I64, I64, nameof(Num.Popcnt64)); break;
            case 0x7C: Bin(I64, I64, OpCodes.Add); break;
            case 0x7D: Bin(I64, I64, OpCodes.Sub); break;
            case 0x7E: Bin(I64, I64, OpCodes.Mul); break;
            case 0x7F: BinCall(I64, I64, nameof(Num.DivS64)); break;
            case 0x80: BinCall(I64, I64, nameof(Num.DivU64)); break;
            case 0x81: BinCall(I64, I64, nameof(Num.RemS64)); break;
            case 0x82: BinCall(I64, I64, nameof(Num.RemU64)); break;
            case 0x83: Bin(I64, I64, OpCodes.And); break;
            case 0x84: Bin(I64, I64, OpCodes.Or); break;
            case 0x85: Bin(I64, I64, OpCodes.Xor); break;
            case 0x86: Shift(I64, OpCodes.Shl); break;
            case 0x87: Shift(I64, OpCodes.Shr); break;
            case 0x88: Shift(I64, OpCodes.Shr_Un); break;
            case 0x89: BinCall(I64, I64, nameof(Num.Rotl64)); break;
            case 0x8A: BinCall(I64, I64, nameof(Num.Rotr64)); break;
            case 0x8B: UnCall(F32, F32, nameof(Num.AbsF32)); break;
            case 0x8C: UnCall(F32, F32, nameof(Num.NegF32)); break;
            case 0x8D: UnCall(F32, F32, nameof(Num.CeilF32)); break;
            case 0x8E: UnCall(F32, F32, nameof(Num.FloorF32)); break;
            case 0x8F: UnCall(F32, F32, nameof(Num.TruncF32)); break;
            case 0x90: UnCall(F32, F32, nameof(Num.NearestF32)); break;
            case 0x91: UnCall(F32, F32, nameof(Num.SqrtF32)); break;
            case 0x92: Bin(F32, F32, OpCodes.Add); break;
            case 0x93: Bin(F32, F32, OpCodes.Sub); break;
            case 0x94: Bin(F32, F32, OpCodes.Mul); break;
            case 0x95: Bin(F32, F32, OpCodes.Div); break;
            case 0x96: BinCall(F32, F32, nameof(Num.MinF32)); break;
            case 0x97: BinCall(F32, F32, nameof(Num.MaxF32)); break;
            case 0x98: BinCall(F32, F32, nameof(Num.CopySignF32)); break;
            case 0x99: UnCall(F64, F64, nameof(Num.AbsF64)); break;
            case 0x9A: UnCall(F64, F64, nameof(Num.NegF64)); break;
            case 0x9B: UnCall(F64, F64, nameof(Num.CeilF64)); break;
            case 0x9C: UnCall(F64, F64, nameof(Num.FloorF64)); break;
            case 0x9D: UnCall(F64, F64, nameof(Num.TruncF64)); break;
            case 0x9E: UnCall(F64, F64, nameof(Num.NearestF64)); break;
            case 0x9F: UnCall(F64, F64, nameof(Num.SqrtF64)); break;
            case 0xA0: Bin(F64, F64, OpCodes.Add); break;
            case 0xA1: Bin(F64, F64, OpCodes.Sub); break;
            case 0xA2: Bin(F64, F64, OpCodes.Mul); break;
            case 0xA3: Bin(F64, F64, OpCodes.Div); break;
            case 0xA4: BinCall(F64, F64, nameof(Num.MinF64)); break;
            case 0xA5: BinCall(F64, F64, nameof(Num.MaxF64)); break;
            case 0xA6: BinCall(F64, F64, nameof(Num.CopySignF64)); break;
            case 0xA7: Un(I64, I32, OpCodes.Conv_I4); break;
            case 0xA8: UnCall(F32, I32, nameof(Num.TruncF32ToI32)); break;
            case 0xA9: UnCall(F32, I32, nameof(Num.TruncF32ToU32)); break;
            case 0xAA: UnCall(F64, I32, nameof(Num.TruncF64ToI32)); break;
            case 0xAB: UnCall(F64, I32, nameof(Num.TruncF64ToU32)); break;
            case 0xAC: Un(I32, I64, OpCodes.Conv_I8); break;
            case 0xAD: Un(I32, I64, OpCodes.Conv_U8); break;
            case 0xAE: UnCall(F32, I64, nameof(Num.TruncF32ToI64)); break;
            case 0xAF: UnCall(F32, I64, nameof(Num.TruncF32ToU64)); break;
            case 0xB0: UnCall(F64, I64, nameof(Num.TruncF64ToI64)); break;
            case 0xB1: UnCall(F64, I64, nameof(Num.TruncF64ToU64)); break;
            case 0xB2: Un(I32, F32, OpCodes.Conv_R4); break;
            case 0xB3: Un(I32, F32, OpCodes.Conv_U8, OpCodes.Conv_R4); break;
            case 0xB4: Un(I64, F32, OpCodes.Conv_R4); break;
            case 0xB5: UnCall(I64, F32, nameof(Num.U64ToF32)); break;
            case 0xB6: Un(F64, F32, OpCodes.Conv_R4); break;
            case 0xB7: Un(I32, F64, OpCodes.Conv_R8); break;
            case 0xB8: Un(I32, F64, OpCodes.Conv_U8, OpCodes.Conv_R8); break;
            case 0xB9: Un(I64, F64, OpCodes.Conv_R8); break;
            case 0xBA: UnCall(I64, F64, nameof(Num.U64ToF64)); break;
            case 0xBB: UnCall(F32, F64, nameof(Num.PromoteF32)); break;
            case 0xBC: UnBits(F32, I32, typeof(BitConverter).GetMethod(nameof(BitConverter.SingleToInt32Bits))!); break;
            case 0xBD: UnBits(F64, I64, typeof(BitConverter).GetMethod(nameof(BitConverter.DoubleToInt64Bits))!); break;
            case 0xBE: UnBits(I32, F32, typeof(BitConverter).GetMethod(nameof(BitConverter.Int32BitsToSingle))!); break;
            case 0xBF: UnBits(I64, F64, typeof(BitConverter).GetMethod(nameof(BitConverter.Int64BitsToDouble))!); break;
            case 0xC0: Un(I32, I32, OpCodes.Conv_I1); break;
            case 0xC1: Un(I32, I32, OpCodes.Conv_I2); break;
            case 0xC2: Un(I64, I64, OpCodes.Conv_I1, OpCodes.Conv_I8); break;
            case 0xC3: Un(I64, I64, OpCodes.Conv_I2, OpCodes.Conv_I8); break;
            default: Un(I64, I64, OpCodes.Conv_I4, OpCodes.Conv_I8); break;
        }
    }

    private void Un(ValType from, ValType to, params OpCode[] ops)
    {
        Pop(from);
        Push(to);
        if (Live)
        {
            foreach (var o in ops)
            {
                _il.Emit(o);
            }
        }
    }

    private void Bin(ValType from, ValType to, params OpCode[] ops)
    {
        Pop(from);
        Pop(from);
        Push(to);
        if (Live)
        {
            foreach (var o in ops)
            {
                _il.Emit(o);
            }
        }
    }

    private void Shift(ValType t, OpCode op)
    {
        Pop(t);
        Pop(t);
        Push(t);
        if (Live)
        {
            // IL leaves oversized shift counts unspecified; WebAssembly takes the count modulo the width.
            if (t == ValType.I64)
            {
                _il.Emit(OpCodes.Conv_I4);
            }

            _il.Emit(OpCodes.Ldc_I4, t == ValType.I64 ? 63 : 31);
            _il.Emit(OpCodes.And);
            _il.Emit(op);
        }
    }

    private void UnCall(ValType from, ValType to, string name)
    {
        Pop(from);
        Push(to);
        if (Live)
        {
            _il.Emit(OpCodes.Call, NumM(name));
        }
    }

    private void BinCall(ValType from, ValType to, string name)
    {
        Pop(from);
        Pop(from);
        Push(to);
        if (Live)
        {
            _il.Emit(OpCodes.Call, NumM(name));
        }
    }

    private void UnBits(ValType from, ValType to, System.Reflection.MethodInfo m)
    {
        Pop(from);
        Push(to);
        if (Live)
        {
            _il.Emit(OpCodes.Call, m);
        }
    }
}
