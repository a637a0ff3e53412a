using System.Reflection;
using System.Reflection.Emit;
using Granary.Wasm.Model;
using Granary.Wasm.Runtime;

namespace Granary.Wasm.Compilation;

/// <summary>The 0xFD-prefixed 128-bit SIMD instructions, each emitted as a call to a <see cref="Simd"/> helper.</summary>
internal sealed partial class FunctionCompiler
{
    private const ValType V128 = ValType.V128;

    // Shape: U unary, B binary, T ternary, S shift, Q v128 -> i32, P splat, X extract lane, R replace lane.
    private static readonly Dictionary<uint, (char Shape, string Helper, ValType Scalar, int Lanes)> SimdOps = BuildSimdOps();

    private static Dictionary<uint, (char, string, ValType, int)> BuildSimdOps()
    {
        var d = new Dictionary<uint, (char, string, ValType, int)>();
        void Op(uint code, char shape, string helper, ValType scalar = ValType.Unknown, int lanes = 0) => d[code] = (shape, helper, scalar, lanes);
        Op(14, 'B', nameof(Simd.Swizzle));
        Op(15, 'P', nameof(Simd.SplatI8), ValType.I32);
        Op(16, 'P', nameof(Simd.SplatI16), ValType.I32);
        Op(17, 'P', nameof(Simd.SplatI32), ValType.I32);
        Op(18, 'P', nameof(Simd.SplatI64), ValType.I64);
        Op(19, 'P', nameof(Simd.SplatF32), ValType.F32);
        Op(20, 'P', nameof(Simd.SplatF64), ValType.F64);
        Op(21, 'X', nameof(Simd.ExtractI8S), ValType.I32, 16);
        Op(22, 'X', nameof(Simd.ExtractI8U), ValType.I32, 16);
        Op(23, 'R', nameof(Simd.ReplaceI8), ValType.I32, 16);
        Op(24, 'X', nameof(Simd.ExtractI16S), ValType.I32, 8);
        Op(25, 'X', nameof(Simd.ExtractI16U), ValType.I32, 8);
        Op(26, 'R', nameof(Simd.ReplaceI16), ValType.I32, 8);
        Op(27, 'X', nameof(Simd.ExtractI32), ValType.I32, 4);
        Op(28, 'R', nameof(Simd.ReplaceI32), ValType.I32, 4);
        Op(29, 'X', nameof(Simd.ExtractI64), ValType.I64, 2);
        Op(30, 'R', nameof(Simd.ReplaceI64), ValType.I64, 2);
        Op(31, 'X', nameof(Simd.ExtractF32), ValType.F32, 4);
        Op(32, 'R', nameof(Simd.ReplaceF32), ValType.F32, 4);
        Op(33, 'X', nameof(Simd.ExtractF64), ValType.F64, 2);
        Op(34, 'R', nameof(Simd.ReplaceF64), ValType.F64, 2);
        string[] icmp = ["Eq", "Ne", "LtS", "LtU", "GtS", "GtU", "LeS", "LeU", "GeS", "GeU"];
        for (var i = 0; i < 10; i++)
        {
            Op((uint)(35 + i), 'B', "I8" + icmp[i]);
            Op((uint)(45 + i), 'B', "I16" + icmp[i]);
            Op((uint)(55 + i), 'B', "I32" + icmp[i]);
        }

        string[] fcmp = ["Eq", "Ne", "Lt", "Gt", "Le", "Ge"];
        for (var i = 0; i < 6; i++)
        {
            Op((uint)(65 + i), 'B', "F32" + fcmp[i]);
            Op((uint)(71 + i), 'B', "F64" + fcmp[i]);
        }

        Op(77, 'U', nameof(Simd.Not));
        Op(78, 'B', nameof(Simd.And));
        Op(79, 'B', nameof(Simd.AndNot));
        Op(80, 'B', nameof(Simd.Or));
        Op(81, 'B', nameof(Simd.Xor));
        Op(82, 'T', nameof(Simd.Bitselect));
        Op(83, 'Q', nameof(Simd.AnyTrue));
        Op(94, 'U', nameof(Simd.F32DemoteZero));
        Op(95, 'U', nameof(Simd.F64PromoteLow));
        Op(96, 'U', nameof(Simd.I8Abs));
        Op(97, 'U', nameof(Simd.I8Neg));
        Op(98, 'U', nameof(Simd.I8Popcnt));
        Op(99, 'Q', nameof(Simd.I8AllTrue));
        Op(100, 'Q', nameof(Simd.I8Bitmask));
        Op(101, 'B', nameof(Simd.I8NarrowS));
        Op(102, 'B', nameof(Simd.I8NarrowU));
        Op(103, 'U', nameof(Simd.F32Ceil));
        Op(104, 'U', nameof(Simd.F32Floor));
        Op(105, 'U', nameof(Simd.F32Trunc));
        Op(106, 'U', nameof(Simd.F32Nearest));
        Op(107, 'S', nameof(Simd.I8Shl));
        Op(108, 'S', nameof(Simd.I8ShrS));
        Op(109, 'S', nameof(Simd.I8ShrU));
        Op(110, 'B', nameof(Simd.I8Add));
        Op(111, 'B', nameof(Simd.I8AddSatS));
        Op(112, 'B', nameof(Simd.I8AddSatU));
        Op(113, 'B', nameof(Simd.I8Sub));
        Op(114, 'B', nameof(Simd.I8SubSatS));
        Op(115, 'B', nameof(Simd.I8SubSatU));
        Op(116, 'U', nameof(Simd.F64Ceil));
        Op(117, 'U', nameof(Simd.F64Floor));
        Op(118, 'B', nameof(Simd.I8MinS));
        Op(119, 'B', nameof(Simd.I8MinU));
        Op(120, 'B', nameof(Simd.I8MaxS));
        Op(121, 'B', nameof(Simd.I8MaxU));
        Op(122, 'U', nameof(Simd.F64Trunc));
        Op(123, 'B', nameof(Simd.I8AvgrU));
        Op(124, 'U', nameof(Simd.I16ExtaddPairwiseS));
        Op(125, 'U', nameof(Simd.I16ExtaddPairwiseU));
        Op(126, 'U', nameof(Simd.I32ExtaddPairwiseS));
        Op(127, 'U', nameof(Simd.I32ExtaddPairwiseU));
        Op(128, 'U', nameof(Simd.I16Abs));
        Op(129, 'U', nameof(Simd.I16Neg));
        Op(130, 'B', nameof(Simd.I16Q15MulrSatS));
        Op(131, 'Q', nameof(Simd.I16AllTrue));
        Op(132, 'Q', nameof(Simd.I16Bitmask));
        Op(133, 'B', nameof(Simd.I16NarrowS));
        Op(134, 'B', nameof(Simd.I16NarrowU));
        Op(135, 'U', nameof(Simd.I16ExtendLowS));
        Op(136, 'U', nameof(Simd.I16ExtendHighS));
        Op(137, 'U', nameof(Simd.I16ExtendLowU));
        Op(138, 'U', nameof(Simd.I16ExtendHighU));
        Op(139, 'S', nameof(Simd.I16Shl));
        Op(140, 'S', nameof(Simd.I16ShrS));
        Op(141, 'S', nameof(Simd.I16ShrU));
        Op(142, 'B', nameof(Simd.I16Add));
        Op(143, 'B', nameof(Simd.I16AddSatS));
        Op(144, 'B', nameof(Simd.I16AddSatU));
        Op(145, 'B', nameof(Simd.I16Sub));
        Op(146, 'B', nameof(Simd.I16SubSatS));
        Op(147, 'B', nameof(Simd.I16SubSatU));
        Op(148, 'U', nameof(Simd.F64Nearest));
        Op(149, 'B', nameof(Simd.I16Mul));
        Op(150, 'B', nameof(Simd.I16MinS));
        Op(151, 'B', nameof(Simd.I16MinU));
        Op(152, 'B', nameof(Simd.I16MaxS));
        Op(153, 'B', nameof(Simd.I16MaxU));
        Op(155, 'B', nameof(Simd.I16AvgrU));
        Op(156, 'B', nameof(Simd.I16ExtmulLowS));
        Op(157, 'B', nameof(Simd.I16ExtmulHighS));
        Op(158, 'B', nameof(Simd.I16ExtmulLowU));
        Op(159, 'B', nameof(Simd.I16ExtmulHighU));
        Op(160, 'U', nameof(Simd.I32Abs));
        Op(161, 'U', nameof(Simd.I32Neg));
        Op(163, 'Q', nameof(Simd.I32AllTrue));
        Op(164, 'Q', nameof(Simd.I32Bitmask));
        Op(167, 'U', nameof(Simd.I32ExtendLowS));
        Op(168, 'U', nameof(Simd.I32ExtendHighS));
        Op(169, 'U', nameof(Simd.I32ExtendLowU));
        Op(170, 'U', nameof(Simd.I32ExtendHighU));
        Op(171, 'S', nameof(Simd.I32Shl));
        Op(172, 'S', nameof(Simd.I32ShrS));
        Op(173, 'S', nameof(Simd.I32ShrU));
        Op(174, 'B', nameof(Simd.I32Add));
        Op(177, 'B', nameof(Simd.I32Sub));
        Op(181, 'B', nameof(Simd.I32Mul));
        Op(182, 'B', nameof(Simd.I32MinS));
        Op(183, 'B', nameof(Simd.I32MinU));
        Op(184, 'B', nameof(Simd.I32MaxS));
        Op(185, 'B', nameof(Simd.I32MaxU));
        Op(186, 'B', nameof(Simd.I32DotS));
        Op(188, 'B', nameof(Simd.I32ExtmulLowS));
        Op(189, 'B', nameof(Simd.I32ExtmulHighS));
        Op(190, 'B', nameof(Simd.I32ExtmulLowU));
        Op(191, 'B', nameof(Simd.I32ExtmulHighU));
        Op(192, 'U', nameof(Simd.I64Abs));
        Op(193, 'U', nameof(Simd.I64Neg));
        Op(195, 'Q', nameof(Simd.I64AllTrue));
        Op(196, 'Q', nameof(Simd.I64Bitmask));
        Op(199, 'U', nameof(Simd.I64ExtendLowS));
        Op(200, 'U', nameof(Simd.I64ExtendHighS));
        Op(201, 'U', nameof(Simd.I64ExtendLowU));
        Op(202, 'U', nameof(Simd.I64ExtendHighU));
        Op(203, 'S', nameof(Simd.I64Shl));
        Op(204, 'S', nameof(Simd.I64ShrS));
        Op(205, 'S', nameof(Simd.I64ShrU));
        Op(206, 'B', nameof(Simd.I64Add));
        Op(209, 'B', nameof(Simd.I64Sub));
        Op(213, 'B', nameof(Simd.I64Mul));
        Op(214, 'B', nameof(Simd.I64Eq));
        Op(215, 'B', nameof(Simd.I64Ne));
        Op(216, 'B', nameof(Simd.I64LtS));
        Op(217, 'B', nameof(Simd.I64GtS));
        Op(218, 'B', nameof(Simd.I64LeS));
        Op(219, 'B', nameof(Simd.I64GeS));
        Op(220, 'B', nameof(Simd.I64ExtmulLowS));
        Op(221, 'B', nameof(Simd.I64ExtmulHighS));
        Op(222, 'B', nameof(Simd.I64ExtmulLowU));
        Op(223, 'B', nameof(Simd.I64ExtmulHighU));
        Op(224, 'U', nameof(Simd.F32Abs));
        Op(225, 'U', nameof(Simd.F32Neg));
        Op(227, 'U', nameof(Simd.F32Sqrt));
        Op(228, 'B', nameof(Simd.F32Add));
        Op(229, 'B', nameof(Simd.F32Sub));
        Op(230, 'B', nameof(Simd.F32Mul));
        Op(231, 'B', nameof(Simd.F32Div));
        Op(232, 'B', nameof(Simd.F32Min));
        Op(233, 'B', nameof(Simd.F32Max));
        Op(234, 'B', nameof(Simd.F32Pmin));
        Op(235, 'B', nameof(Simd.F32Pmax));
        Op(236, 'U', nameof(Simd.F64Abs));
        Op(237, 'U', nameof(Simd.F64Neg));
        Op(239, 'U', nameof(Simd.F64Sqrt));
        Op(240, 'B', nameof(Simd.F64Add));
        Op(241, 'B', nameof(Simd.F64Sub));
        Op(242, 'B', nameof(Simd.F64Mul));
        Op(243, 'B', nameof(Simd.F64Div));
        Op(244, 'B', nameof(Simd.F64Min));
        Op(245, 'B', nameof(Simd.F64Max));
        Op(246, 'B', nameof(Simd.F64Pmin));
        Op(247, 'B', nameof(Simd.F64Pmax));
        Op(248, 'U', nameof(Simd.I32TruncSatF32S));
        Op(249, 'U', nameof(Simd.I32TruncSatF32U));
        Op(250, 'U', nameof(Simd.F32ConvertS));
        Op(251, 'U', nameof(Simd.F32ConvertU));
        Op(252, 'U', nameof(Simd.I32TruncSatF64SZero));
        Op(253, 'U', nameof(Simd.I32TruncSatF64UZero));
        Op(254, 'U', nameof(Simd.F64ConvertLowS));
        Op(255, 'U', nameof(Simd.F64ConvertLowU));
        return d;
    }

    private static MethodInfo SimdM(string name) => typeof(Simd).GetMethod(name) ?? throw new InvalidOperationException($"missing SIMD helper {name}");

    private void CompileSimd(uint sub)
    {
        switch (sub)
        {
            case <= 11:
            case >= 84 and <= 93:
                CompileSimdMemory(sub);
                return;
            case 12:
                {
                    var lo = (long)_r.ReadFixed64();
                    var hi = (long)_r.ReadFixed64();
                    Push(V128);
                    if (Live)
                    {
                        _il.Emit(OpCodes.Ldc_I8, lo);
                        _il.Emit(OpCodes.Ldc_I8, hi);
                        _il.Emit(OpCodes.Call, SimdM(nameof(Simd.Const)));
                    }

                    return;
                }

            case 13:
                {
                    var lo = (long)_r.ReadFixed64();
                    var hi = (long)_r.ReadFixed64();
                    for (var i = 0; i < 8; i++)
                    {
                        if ((byte)(lo >> (8 * i)) >= 32 || (byte)(hi >> (8 * i)) >= 32)
                        {
                            throw Invalid("invalid lane index");
                        }
                    }

                    Pop(V128);
                    Pop(V128);
                    Push(V128);
                    if (Live)
                    {
                        _il.Emit(OpCodes.Ldc_I8, lo);
                        _il.Emit(OpCodes.Ldc_I8, hi);
                        _il.Emit(OpCodes.Call, SimdM(nameof(Simd.Shuffle)));
                    }

                    return;
                }
        }

        if (!SimdOps.TryGetValue(sub, out var op))
        {
            throw new WasmCompileException("illegal opcode");
        }

        var lane = 0;
        if (op.Shape is 'X' or 'R')
        {
            lane = _r.ReadByte();
            if (lane >= op.Lanes)
            {
                throw Invalid("invalid lane index");
            }
        }

        switch (op.Shape)
        {
            case 'U':
                Pop(V128);
                Push(V128);
                break;
            case 'B':
                Pop(V128);
                Pop(V128);
                Push(V128);
                break;
            case 'T':
                Pop(V128);
                Pop(V128);
                Pop(V128);
                Push(V128);
                break;
            case 'S':
                Pop(ValType.I32);
                Pop(V128);
                Push(V128);
                break;
            case 'Q':
                Pop(V128);
                Push(ValType.I32);
                break;
            case 'P':
                Pop(op.Scalar);
                Push(V128);
                break;
            case 'X':
                Pop(V128);
                Push(op.Scalar);
                break;
            default:
                Pop(op.Scalar);
                Pop(V128);
                Push(V128);
                break;
        }

        if (!Live)
        {
            return;
        }

        if (op.Shape is 'X' or 'R')
        {
            _il.Emit(OpCodes.Ldc_I4, lane);
        }

        _il.Emit(OpCodes.Call, SimdM(op.Helper));
    }

    private void CompileSimdMemory(uint sub)
    {
        var align = _r.ReadU32();
        var offset = _r.ReadU32();
        RequireMemory();
        var (size, helper, kind) = sub switch
        {
            0 => (16, nameof(Simd.Load), 'L'),
            1 => (8, nameof(Simd.Load8x8S), 'L'),
            2 => (8, nameof(Simd.Load8x8U), 'L'),
            3 => (8, nameof(Simd.Load16x4S), 'L'),
            4 => (8, nameof(Simd.Load16x4U), 'L'),
            5 => (8, nameof(Simd.Load32x2S), 'L'),
            6 => (8, nameof(Simd.Load32x2U), 'L'),
            7 => (1, nameof(Simd.Load8Splat), 'L'),
            8 => (2, nameof(Simd.Load16Splat), 'L'),
            9 => (4, nameof(Simd.Load32Splat), 'L'),
            10 => (8, nameof(Simd.Load64Splat), 'L'),
            11 => (16, nameof(Simd.Store), 'S'),
            84 => (1, nameof(Simd.Load8Lane), 'l'),
            85 => (2, nameof(Simd.Load16Lane), 'l'),
            86 => (4, nameof(Simd.Load32Lane), 'l'),
            87 => (8, nameof(Simd.Load64Lane), 'l'),
            88 => (1, nameof(Simd.Store8Lane), 's'),
            89 => (2, nameof(Simd.Store16Lane), 's'),
            90 => (4, nameof(Simd.Store32Lane), 's'),
            91 => (8, nameof(Simd.Store64Lane), 's'),
            92 => (4, nameof(Simd.Load32Zero), 'L'),
            _ => (8, nameof(Simd.Load64Zero), 'L'),
        };
        if (align >= 32 || (1u << (int)align) > size)
        {
            throw Invalid("alignment must not be larger than natural");
        }

        var lane = 0;
        if (kind is 'l' or 's')
        {
            lane = _r.ReadByte();
            if (lane >= 16 / size)
            {
                throw Invalid("invalid lane index");
            }
        }

        if (kind == 'L')
        {
            Pop(ValType.I32);
            Push(V128);
        }
        else
        {
            Pop(V128);
            Pop(ValType.I32);
            if (kind == 'l')
            {
                Push(V128);
            }
        }

        if (!Live)
        {
            return;
        }

        LocalBuilder? value = null;
        if (kind != 'L')
        {
            value = Temp(V128.ClrType());
            _il.Emit(OpCodes.Stloc, value);
        }

        EmitEffectiveAddress(offset, size);
        if (value is not null)
        {
            _il.Emit(OpCodes.Ldloc, value);
            Release(value);
        }

        if (kind is 'l' or 's')
        {
            _il.Emit(OpCodes.Ldc_I4, lane);
        }

        _il.Emit(OpCodes.Call, SimdM(helper));
    }
}
