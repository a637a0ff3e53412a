using System.Reflection;
using System.Reflection.Emit;
using Granary.Wasm.Model;
using Granary.Wasm.Runtime;

namespace Granary.Wasm.Compilation;

/// <summary>Non-control instructions.</summary>
internal sealed partial class FunctionCompiler
{
    private static MethodInfo NumM(string name) => typeof(Num).GetMethod(name)!;

    private static MethodInfo RtM(string name) => typeof(Rt).GetMethod(name)!;

    private void CompileOp(byte op)
    {
        switch (op)
        {
            case 0x00:
                if (Live)
                {
                    _il.Emit(OpCodes.Call, typeof(Trap).GetMethod(nameof(Trap.Unreachable))!);
                    _il.Emit(OpCodes.Throw);
                }

                SetUnreachable();
                break;
            case 0x01:
                break;
            case >= 0x02 and <= 0x05:
            case >= 0x0B and <= 0x0F:
                CompileBlockOps(op);
                break;
            case 0x10:
                CompileCall((int)_r.ReadU32());
                break;
            case 0x11:
                CompileCallIndirect();
                break;
            case 0x1A:
                Pop();
                if (Live)
                {
                    _il.Emit(OpCodes.Pop);
                }

                break;
            case 0x1B:
                {
                    Pop(ValType.I32);
                    var t1 = Pop();
                    var t2 = Pop();
                    if (t1.IsRef() || t2.IsRef())
                    {
                        throw Invalid("type mismatch");
                    }

                    if (t1 != t2 && t1 != ValType.Unknown && t2 != ValType.Unknown)
                    {
                        throw Invalid("type mismatch");
                    }

                    var t = t1 == ValType.Unknown ? t2 : t1;
                    Push(t);
                    EmitSelect(t);
                    break;
                }

            case 0x1C:
                {
                    var n = _r.ReadU32();
                    if (n != 1)
                    {
                        throw Invalid("invalid result arity");
                    }

                    var t = _r.ReadValType();
                    Pop(ValType.I32);
                    Pop(t);
                    Pop(t);
                    Push(t);
                    EmitSelect(t);
                    break;
                }

            case 0x20:
            case 0x21:
            case 0x22:
                CompileLocal(op, _r.ReadU32());
                break;
            case 0x23:
            case 0x24:
                CompileGlobal(op, _r.ReadU32());
                break;
            case 0x25:
                {
                    var t = TableIndex(_r.ReadU32());
                    Pop(ValType.I32);
                    Push(_m.Tables[t].ElemType);
                    if (Live)
                    {
                        LdCtx();
                        _il.Emit(OpCodes.Ldfld, _mc.TableFields[t]);
                        _il.Emit(OpCodes.Call, RtM(nameof(Rt.TableGet)));
                    }

                    break;
                }

            case 0x26:
                {
                    var t = TableIndex(_r.ReadU32());
                    Pop(_m.Tables[t].ElemType);
                    Pop(ValType.I32);
                    if (Live)
                    {
                        var v = Temp(typeof(object));
                        var i = Temp(typeof(int));
                        _il.Emit(OpCodes.Stloc, v);
                        _il.Emit(OpCodes.Stloc, i);
                        LdCtx();
                        _il.Emit(OpCodes.Ldfld, _mc.TableFields[t]);
                        _il.Emit(OpCodes.Ldloc, i);
                        _il.Emit(OpCodes.Ldloc, v);
                        _il.Emit(OpCodes.Call, RtM(nameof(Rt.TableSet)));
                        Release(v);
                        Release(i);
                    }

                    break;
                }

            case >= 0x28 and <= 0x3E:
                CompileMemoryAccess(op);
                break;
            case 0x3F:
            case 0x40:
                {
                    if (_r.ReadByte() != 0)
                    {
                        throw Invalid("zero byte expected");
                    }

                    RequireMemory();
                    if (op == 0x40)
                    {
                        Pop(ValType.I32);
                    }

                    Push(ValType.I32);
                    if (Live)
                    {
                        if (op == 0x3F)
                        {
                            LdCtx();
                            _il.Emit(OpCodes.Ldfld, _mc.MemoryField!);
                            _il.Emit(OpCodes.Call, RtM(nameof(Rt.MemorySize)));
                        }
                        else
                        {
                            var d = Temp(typeof(int));
                            _il.Emit(OpCodes.Stloc, d);
                            LdCtx();
                            _il.Emit(OpCodes.Ldfld, _mc.MemoryField!);
                            _il.Emit(OpCodes.Ldloc, d);
                            _il.Emit(OpCodes.Call, typeof(WasmMemory).GetMethod(nameof(WasmMemory.GrowFromWasm), BindingFlags.NonPublic | BindingFlags.Static)!);
                            Release(d);
                            ReloadMemory();
                        }
                    }

                    break;
                }

            case 0x41:
                {
                    var v = _r.ReadS32();
                    Push(ValType.I32);
                    if (Live)
                    {
                        _il.Emit(OpCodes.Ldc_I4, v);
                    }

                    break;
                }

            case 0x42:
                {
                    var v = _r.ReadS64();
                    Push(ValType.I64);
                    if (Live)
                    {
                        _il.Emit(OpCodes.Ldc_I8, v);
                    }

                    break;
                }

            case 0x43:
                {
                    var bits = _r.ReadFixed32();
                    Push(ValType.F32);
                    if (Live)
                    {
                        EmitF32Const(bits);
                    }

                    break;
                }

            case 0x44:
                {
                    var bits = _r.ReadFixed64();
                    Push(ValType.F64);
                    if (Live)
                    {
                        EmitF64Const(bits);
                    }

                    break;
                }

            case >= 0x45 and <= 0xC4:
                CompileNumeric(op);
                break;
            case 0xD0:
                {
                    var t = _r.ReadRefType();
                    Push(t);
                    if (Live)
                    {
                        _il.Emit(OpCodes.Ldnull);
                    }

                    break;
                }

            case 0xD1:
                {
                    var t = Pop();
                    if (!t.IsRef() && t != ValType.Unknown)
                    {
                        throw Invalid("type mismatch");
                    }

                    Push(ValType.I32);
                    if (Live)
                    {
                        _il.Emit(OpCodes.Ldnull);
                        _il.Emit(OpCodes.Ceq);
                    }

                    break;
                }

            case 0xD2:
                {
                    var f = (int)_r.ReadU32();
                    if ((uint)f >= (uint)_m.FunctionTypes.Count)
                    {
                        throw Invalid("unknown function");
                    }

                    if (!_mc.DeclaredRefs.Contains(f))
                    {
                        throw Invalid("undeclared function reference");
                    }

                    Push(ValType.FuncRef);
                    if (Live)
                    {
                        LdCtx();
                        _il.Emit(OpCodes.Ldc_I4, f);
                        _il.Emit(OpCodes.Call, typeof(InstanceContext).GetMethod(nameof(InstanceContext.GetFunction))!);
                    }

                    break;
                }

            case 0xFC:
                CompilePrefixed(_r.ReadU32());
                break;
            case 0xFD:
                CompileSimd(_r.ReadU32());
                break;
            default:
                throw new WasmCompileException("illegal opcode");
        }
    }

    /// <summary>
    /// Emits an f32 constant. NaNs go through an opaque helper (the JIT's constant folding would quiet a
    /// signalling NaN) and 0/1 through mutable statics (the JIT folds x*1, x-0 and x/1, which must quiet NaNs).
    /// </summary>
    private void EmitF32Const(uint bits)
    {
        var v = BitConverter.UInt32BitsToSingle(bits);
        if (float.IsNaN(v))
        {
            _il.Emit(OpCodes.Ldc_I4, (int)bits);
            _il.Emit(OpCodes.Call, NumM(nameof(Num.F32FromBits)));
        }
        else if (v is 0f or 1f or -1f)
        {
            _il.Emit(OpCodes.Ldsfld, typeof(Num).GetField(bits switch
            {
                0 => nameof(Num.F32Zero),
                0x80000000 => nameof(Num.F32NegZero),
                0x3F800000 => nameof(Num.F32One),
                _ => nameof(Num.F32NegOne),
            })!);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_R4, v);
        }
    }

    private void EmitF64Const(ulong bits)
    {
        var v = BitConverter.UInt64BitsToDouble(bits);
        if (double.IsNaN(v))
        {
            _il.Emit(OpCodes.Ldc_I8, (long)bits);
            _il.Emit(OpCodes.Call, NumM(nameof(Num.F64FromBits)));
        }
        else if (v is 0d or 1d or -1d)
        {
            _il.Emit(OpCodes.Ldsfld, typeof(Num).GetField(bits switch
            {
                0 => nameof(Num.F64Zero),
                0x8000000000000000 => nameof(Num.F64NegZero),
                0x3FF0000000000000 => nameof(Num.F64One),
                _ => nameof(Num.F64NegOne),
            })!);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_R8, v);
        }
    }

    private void EmitSelect(ValType t)
    {
        if (!Live)
        {
            return;
        }

        var c = Temp(typeof(int));
        var b = Temp(t.ClrType());
        _il.Emit(OpCodes.Stloc, c);
        _il.Emit(OpCodes.Stloc, b);
        var keep = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, c);
        _il.Emit(OpCodes.Brtrue, keep);
        _il.Emit(OpCodes.Pop);
        _il.Emit(OpCodes.Ldloc, b);
        _il.MarkLabel(keep);
        Release(c);
        Release(b);
    }

    private void CompileLocal(byte op, uint index)
    {
        if (index >= (uint)_localTypes.Length)
        {
            throw Invalid("unknown local");
        }

        var t = _localTypes[index];
        var isParam = index < (uint)_type.Params.Length;
        switch (op)
        {
            case 0x20:
                Push(t);
                if (Live)
                {
                    Load();
                }

                break;
            case 0x21:
                Pop(t);
                if (Live)
                {
                    Store();
                }

                break;
            default:
                Pop(t);
                Push(t);
                if (Live)
                {
                    _il.Emit(OpCodes.Dup);
                    Store();
                }

                break;
        }

        void Load()
        {
            if (isParam)
            {
                _il.Emit(OpCodes.Ldarg, (short)index);
            }
            else
            {
                _il.Emit(OpCodes.Ldloc, _locals[index]!);
            }
        }

        void Store()
        {
            if (isParam)
            {
                _il.Emit(OpCodes.Starg, (short)index);
            }
            else
            {
                _il.Emit(OpCodes.Stloc, _locals[index]!);
            }
        }
    }

    private void CompileGlobal(byte op, uint index)
    {
        if (index >= (uint)_m.Globals.Count)
        {
            throw Invalid("unknown global");
        }

        var g = _m.Globals[(int)index];
        var field = _mc.GlobalFields[index];
        if (op == 0x23)
        {
            Push(g.Type);
            if (!Live)
            {
                return;
            }

            LdCtx();
            _il.Emit(OpCodes.Ldfld, field);
            if (g.Type.IsRef())
            {
                _il.Emit(OpCodes.Ldfld, GlobalRefField);
                return;
            }

            if (g.Type == ValType.V128)
            {
                _il.Emit(OpCodes.Ldfld, GlobalVecField);
                return;
            }

            _il.Emit(OpCodes.Ldfld, GlobalBitsField);
            switch (g.Type)
            {
                case ValType.I32:
                    _il.Emit(OpCodes.Conv_I4);
                    break;
                case ValType.F32:
                    _il.Emit(OpCodes.Conv_I4);
                    _il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.Int32BitsToSingle))!);
                    break;
                case ValType.F64:
                    _il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.Int64BitsToDouble))!);
                    break;
            }

            return;
        }

        if (!g.Mutable)
        {
            throw Invalid("global is immutable");
        }

        Pop(g.Type);
        if (!Live)
        {
            return;
        }

        switch (g.Type)
        {
            case ValType.I32:
                _il.Emit(OpCodes.Conv_I8);
                break;
            case ValType.F32:
                _il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.SingleToInt32Bits))!);
                _il.Emit(OpCodes.Conv_I8);
                break;
            case ValType.F64:
                _il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.DoubleToInt64Bits))!);
                break;
        }

        var tmp = Temp(g.Type.IsRef() ? typeof(object) : g.Type == ValType.V128 ? g.Type.ClrType() : typeof(long));
        _il.Emit(OpCodes.Stloc, tmp);
        LdCtx();
        _il.Emit(OpCodes.Ldfld, field);
        _il.Emit(OpCodes.Ldloc, tmp);
        _il.Emit(OpCodes.Stfld, g.Type.IsRef() ? GlobalRefField : g.Type == ValType.V128 ? GlobalVecField : GlobalBitsField);
        Release(tmp);
    }

    private int TableIndex(uint index)
    {
        if (index >= (uint)_m.Tables.Count)
        {
            throw Invalid("unknown table");
        }

        return (int)index;
    }

    private void RequireMemory()
    {
        if (_m.Memories.Count == 0)
        {
            throw Invalid("unknown memory");
        }
    }

    private void RequireDataCount(uint index)
    {
        if (_m.DataCount is not { } count)
        {
            throw Invalid("data count section required");
        }

        if (index >= (uint)count)
        {
            throw Invalid("unknown data segment");
        }
    }

    private void CompileCall(int index)
    {
        if ((uint)index >= (uint)_m.FunctionTypes.Count)
        {
            throw Invalid("unknown function");
        }

        var ft = _m.FuncTypeOf(index);
        PopVals(ft.Params);
        PushVals(ft.Results);
        if (!Live)
        {
            return;
        }

        if (index < _m.ImportedFunctionCount)
        {
            var f = Temp(typeof(WasmFunction));
            LdCtx();
            _il.Emit(OpCodes.Ldfld, _mc.ImportFields[index]);
            _il.Emit(OpCodes.Stloc, f);
            EmitCalliThrough(f, ft);
            Release(f);
        }
        else
        {
            StoreFuel();
            LdCtx();
            _il.Emit(OpCodes.Call, _mc.Methods[index - _m.ImportedFunctionCount]);
            AfterCall(ft);
        }
    }

    /// <summary>
    /// Calls <paramref name="f"/> through its code pointer: the raw one for functions of this instance, the
    /// guarded one (which restores the callee instance's depth on traps) for anything else.
    /// </summary>
    private void EmitCalliThrough(LocalBuilder f, FuncType ft)
    {
        StoreFuel();
        _il.Emit(OpCodes.Ldloc, f);
        _il.Emit(OpCodes.Ldfld, FnOwnerField);
        var own = _il.DefineLabel();
        var go = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, f);
        _il.Emit(OpCodes.Ldfld, FnOwnerField);
        LdCtx();
        _il.Emit(OpCodes.Beq, own);
        _il.Emit(OpCodes.Ldloc, f);
        _il.Emit(OpCodes.Ldfld, FnGuardedCodeField);
        _il.Emit(OpCodes.Br, go);
        _il.MarkLabel(own);
        _il.Emit(OpCodes.Ldloc, f);
        _il.Emit(OpCodes.Ldfld, FnCodeField);
        _il.MarkLabel(go);
        _il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, Signature.ReturnType(ft), Signature.CallParamTypes(ft), null);
        AfterCall(ft);
    }

    private void AfterCall(FuncType ft)
    {
        LoadFuel();
        if (ft.Results.Length > 1)
        {
            for (var i = 0; i < ft.Results.Length; i++)
            {
                EmitLoadMulti(ft.Results[i], i);
            }
        }

        ReloadMemory();
    }

    private void CompileCallIndirect()
    {
        var typeIndex = _r.ReadU32();
        var table = TableIndex(_r.ReadU32());
        if (typeIndex >= (uint)_m.Types.Count)
        {
            throw Invalid("unknown type");
        }

        if (_m.Tables[table].ElemType != ValType.FuncRef)
        {
            throw Invalid("type mismatch");
        }

        var ft = _m.Types[(int)typeIndex];
        Pop(ValType.I32);
        PopVals(ft.Params);
        PushVals(ft.Results);
        if (!Live)
        {
            return;
        }

        LdCtx();
        _il.Emit(OpCodes.Ldfld, _mc.TableFields[table]);
        _il.Emit(OpCodes.Ldc_I4, ft.Id);
        _il.Emit(OpCodes.Call, RtM(nameof(Rt.Indirect)));
        var f = Temp(typeof(WasmFunction));
        _il.Emit(OpCodes.Stloc, f);
        EmitCalliThrough(f, ft);
        Release(f);
    }

    private void CompileMemoryAccess(byte op)
    {
        var align = _r.ReadU32();
        var offset = _r.ReadU32();
        RequireMemory();
        var (size, type, isStore) = op switch
        {
            0x28 => (4, ValType.I32, false),
            0x29 => (8, ValType.I64, false),
            0x2A => (4, ValType.F32, false),
            0x2B => (8, ValType.F64, false),
            0x2C or 0x2D => (1, ValType.I32, false),
            0x2E or 0x2F => (2, ValType.I32, false),
            0x30 or 0x31 => (1, ValType.I64, false),
            0x32 or 0x33 => (2, ValType.I64, false),
            0x34 or 0x35 => (4, ValType.I64, false),
            0x36 => (4, ValType.I32, true),
            0x37 => (8, ValType.I64, true),
            0x38 => (4, ValType.F32, true),
            0x39 => (8, ValType.F64, true),
            0x3A => (1, ValType.I32, true),
            0x3B => (2, ValType.I32, true),
            0x3C => (1, ValType.I64, true),
            0x3D => (2, ValType.I64, true),
            _ => (4, ValType.I64, true),
        };
        if (align >= 32 || (1u << (int)align) > size)
        {
            throw Invalid("alignment must not be larger than natural");
        }

        if (isStore)
        {
            Pop(type);
            Pop(ValType.I32);
        }
        else
        {
            Pop(ValType.I32);
            Push(type);
        }

        if (!Live)
        {
            return;
        }

        LocalBuilder? value = null;
        if (isStore)
        {
            // Narrow i64 stores are i32 stores of the wrapped value.
            var vt = type;
            if (type == ValType.I64 && size < 8)
            {
                _il.Emit(OpCodes.Conv_I4);
                vt = ValType.I32;
            }

            value = Temp(vt.ClrType());
            _il.Emit(OpCodes.Stloc, value);
        }

        EmitEffectiveAddress(offset, size);
        if (isStore)
        {
            _il.Emit(OpCodes.Ldloc, value!);
            _il.Emit(op switch
            {
                0x36 => OpCodes.Stind_I4,
                0x37 => OpCodes.Stind_I8,
                0x38 => OpCodes.Stind_R4,
                0x39 => OpCodes.Stind_R8,
                0x3A or 0x3C => OpCodes.Stind_I1,
                0x3B or 0x3D => OpCodes.Stind_I2,
                _ => OpCodes.Stind_I4,
            });
            Release(value!);
            return;
        }

        switch (op)
        {
            case 0x28:
                _il.Emit(OpCodes.Ldind_I4);
                break;
            case 0x29:
                _il.Emit(OpCodes.Ldind_I8);
                break;
            case 0x2A:
                _il.Emit(OpCodes.Ldind_R4);
                break;
            case 0x2B:
                _il.Emit(OpCodes.Ldind_R8);
                break;
            case 0x2C:
                _il.Emit(OpCodes.Ldind_I1);
                break;
            case 0x2D:
                _il.Emit(OpCodes.Ldind_U1);
                break;
            case 0x2E:
                _il.Emit(OpCodes.Ldind_I2);
                break;
            case 0x2F:
                _il.Emit(OpCodes.Ldind_U2);
                break;
            case 0x30:
                _il.Emit(OpCodes.Ldind_I1);
                _il.Emit(OpCodes.Conv_I8);
                break;
            case 0x31:
                _il.Emit(OpCodes.Ldind_U1);
                _il.Emit(OpCodes.Conv_U8);
                break;
            case 0x32:
                _il.Emit(OpCodes.Ldind_I2);
                _il.Emit(OpCodes.Conv_I8);
                break;
            case 0x33:
                _il.Emit(OpCodes.Ldind_U2);
                _il.Emit(OpCodes.Conv_U8);
                break;
            case 0x34:
                _il.Emit(OpCodes.Ldind_I4);
                _il.Emit(OpCodes.Conv_I8);
                break;
            default:
                _il.Emit(OpCodes.Ldind_U4);
                _il.Emit(OpCodes.Conv_U8);
                break;
        }
    }

    /// <summary>
    /// Turns the i32 address on the stack into a native pointer for an access of <paramref name="size"/> bytes at
    /// <paramref name="offset"/>, trapping when any byte is outside the memory (one unsigned compare).
    /// </summary>
    private void EmitEffectiveAddress(uint offset, int size)
    {
        _il.Emit(OpCodes.Conv_U8);
        if (offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)offset);
            _il.Emit(OpCodes.Add);
        }

        _il.Emit(OpCodes.Stloc, _ea);
        var ok = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, _ea);
        _il.Emit(OpCodes.Ldc_I8, (long)size);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _memSize!);
        _il.Emit(OpCodes.Ble_Un, ok);
        _il.Emit(OpCodes.Call, typeof(Trap).GetMethod(nameof(Trap.MemoryOutOfBounds))!);
        _il.Emit(OpCodes.Throw);
        _il.MarkLabel(ok);
        _il.Emit(OpCodes.Ldloc, _memBase!);
        _il.Emit(OpCodes.Ldloc, _ea);
        _il.Emit(OpCodes.Conv_U);
        _il.Emit(OpCodes.Add);
    }

    private void CompilePrefixed(uint sub)
    {
        switch (sub)
        {
            case <= 7:
                {
                    var (from, to, name) = sub switch
                    {
                        0 => (ValType.F32, ValType.I32, nameof(Num.SatF32ToI32)),
                        1 => (ValType.F32, ValType.I32, nameof(Num.SatF32ToU32)),
                        2 => (ValType.F64, ValType.I32, nameof(Num.SatF64ToI32)),
                        3 => (ValType.F64, ValType.I32, nameof(Num.SatF64ToU32)),
                        4 => (ValType.F32, ValType.I64, nameof(Num.SatF32ToI64)),
                        5 => (ValType.F32, ValType.I64, nameof(Num.SatF32ToU64)),
                        6 => (ValType.F64, ValType.I64, nameof(Num.SatF64ToI64)),
                        _ => (ValType.F64, ValType.I64, nameof(Num.SatF64ToU64)),
                    };
                    Pop(from);
                    Push(to);
                    if (Live)
                    {
                        _il.Emit(OpCodes.Call, NumM(name));
                    }

                    break;
                }

            case 8:
                {
                    var seg = _r.ReadU32();
                    if (_r.ReadByte() != 0)
                    {
                        throw Invalid("zero byte expected");
                    }

                    RequireMemory();
                    RequireDataCount(seg);
                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    if (Live)
                    {
                        EmitCallWithPrefix(RtM(nameof(Rt.MemoryInit)), 3, () =>
                        {
                            LdCtx();
                            LdCtx();
                            _il.Emit(OpCodes.Ldfld, _mc.MemoryField!);
                            _il.Emit(OpCodes.Ldc_I4, (int)seg);
                        });
                    }

                    break;
                }

            case 9:
                {
                    var seg = _r.ReadU32();
                    RequireDataCount(seg);
                    if (Live)
                    {
                        LdCtx();
                        _il.Emit(OpCodes.Ldc_I4, (int)seg);
                        _il.Emit(OpCodes.Call, RtM(nameof(Rt.DataDrop)));
                    }

                    break;
                }

            case 10:
            case 11:
                {
                    if (_r.ReadByte() != 0 || (sub == 10 && _r.ReadByte() != 0))
                    {
                        throw Invalid("zero byte expected");
                    }

                    RequireMemory();
                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    if (Live)
                    {
                        EmitCallWithPrefix(RtM(sub == 10 ? nameof(Rt.MemoryCopy) : nameof(Rt.MemoryFill)), 3, () =>
                        {
                            LdCtx();
                            _il.Emit(OpCodes.Ldfld, _mc.MemoryField!);
                        });
                    }

                    break;
                }

            case 12:
                {
                    var seg = _r.ReadU32();
                    var table = TableIndex(_r.ReadU32());
                    if (seg >= (uint)_m.Elements.Count)
                    {
                        throw Invalid("unknown elem segment");
                    }

                    if (_m.Elements[(int)seg].Type != _m.Tables[table].ElemType)
                    {
                        throw Invalid("type mismatch");
                    }

                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    if (Live)
                    {
                        EmitCallWithPrefix(RtM(nameof(Rt.TableInit)), 3, () =>
                        {
                            LdCtx();
                            LdCtx();
                            _il.Emit(OpCodes.Ldfld, _mc.TableFields[table]);
                            _il.Emit(OpCodes.Ldc_I4, (int)seg);
                        });
                    }

                    break;
                }

            case 13:
                {
                    var seg = _r.ReadU32();
                    if (seg >= (uint)_m.Elements.Count)
                    {
                        throw Invalid("unknown elem segment");
                    }

                    if (Live)
                    {
                        LdCtx();
                        _il.Emit(OpCodes.Ldc_I4, (int)seg);
                        _il.Emit(OpCodes.Call, RtM(nameof(Rt.ElemDrop)));
                    }

                    break;
                }

            case 14:
                {
                    var dst = TableIndex(_r.ReadU32());
                    var src = TableIndex(_r.ReadU32());
                    if (_m.Tables[dst].ElemType != _m.Tables[src].ElemType)
                    {
                        throw Invalid("type mismatch");
                    }

                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    Pop(ValType.I32);
                    if (Live)
                    {
                        EmitCallWithPrefix(RtM(nameof(Rt.TableCopy)), 3, () =>
                        {
                            LdCtx();
                            _il.Emit(OpCodes.Ldfld, _mc.TableFields[dst]);
                            LdCtx();
                            _il.Emit(OpCodes.Ldfld, _mc.TableFields[src]);
                        });
                    }

                    break;
                }

            case 15:
                {
                    var t = TableIndex(_r.ReadU32());
                    Pop(ValType.I32);
                    Pop(_m.Tables[t].ElemType);
                    Push(ValType.I32);
                    if (Live)
                    {
                        LdCtx();
                        _il.Emit(OpCodes.Ldfld, _mc.TableFields[t]);
                        _il.Emit(OpCodes.Call, RtM(nameof(Rt.TableGrow)));
                    }

                    break;
                }

            case 16:
                {
                    var t = TableIndex(_r.ReadU32());
                    Push(ValType.I32);
                    if (Live)
                    {
                        LdCtx();
                        _il.Emit(OpCodes.Ldfld, _mc.TableFields[t]);
                        _il.Emit(OpCodes.Call, RtM(nameof(Rt.TableSize)));
                    }

                    break;
                }

            case 17:
                {
                    var t = TableIndex(_r.ReadU32());
                    Pop(ValType.I32);
                    Pop(_m.Tables[t].ElemType);
                    Pop(ValType.I32);
                    if (Live)
                    {
                        var n = Temp(typeof(int));
                        var v = Temp(typeof(object));
                        var d = Temp(typeof(int));
                        _il.Emit(OpCodes.Stloc, n);
                        _il.Emit(OpCodes.Stloc, v);
                        _il.Emit(OpCodes.Stloc, d);
                        LdCtx();
                        _il.Emit(OpCodes.Ldfld, _mc.TableFields[t]);
                        _il.Emit(OpCodes.Ldloc, d);
                        _il.Emit(OpCodes.Ldloc, v);
                        _il.Emit(OpCodes.Ldloc, n);
                        _il.Emit(OpCodes.Call, RtM(nameof(Rt.TableFill)));
                        Release(n);
                        Release(v);
                        Release(d);
                    }

                    break;
                }

            default:
                throw new WasmCompileException("illegal opcode");
        }
    }

    /// <summary>Calls <paramref name="method"/> with leading arguments pushed by <paramref name="prefix"/> before the top i32 operands.</summary>
    private void EmitCallWithPrefix(MethodInfo method, int operands, Action prefix)
    {
        var saved = new LocalBuilder[operands];
        for (var i = operands - 1; i >= 0; i--)
        {
            saved[i] = Temp(typeof(int));
            _il.Emit(OpCodes.Stloc, saved[i]);
        }

        prefix();
        foreach (var l in saved)
        {
            _il.Emit(OpCodes.Ldloc, l);
            Release(l);
        }

        _il.Emit(OpCodes.Call, method);
    }
}
