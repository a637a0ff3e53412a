using System.Reflection;
using System.Reflection.Emit;
using Granary.Wasm.Decoding;
using Granary.Wasm.Model;
using Granary.Wasm.Runtime;

namespace Granary.Wasm.Compilation;

/// <summary>
/// Validates one function body and emits its IL in a single pass. WebAssembly operands live on the IL
/// evaluation stack; branches move the target label's values over any excess operands, so every path into a
/// label presents the same IL stack shape. Code after an unconditional transfer is validated but not emitted.
/// </summary>
internal sealed partial class FunctionCompiler
{
    private static readonly FieldInfo DepthField = typeof(InstanceContext).GetField(nameof(InstanceContext.Depth))!;
    private static readonly FieldInfo MaxDepthField = typeof(InstanceContext).GetField(nameof(InstanceContext.MaxDepth))!;
    private static readonly FieldInfo FuelField = typeof(InstanceContext).GetField(nameof(InstanceContext.Fuel))!;
    private static readonly FieldInfo StackMarkField = typeof(InstanceContext).GetField(nameof(InstanceContext.StackMark))!;
    private static readonly FieldInfo CallStateField = typeof(InstanceContext).GetField(nameof(InstanceContext.CallState))!;
    private static readonly FieldInfo MemBaseField = typeof(WasmMemory).GetField("Base", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo MemSizeField = typeof(WasmMemory).GetField("Size", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo GlobalBitsField = typeof(WasmGlobal).GetField("Bits", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo GlobalVecField = typeof(WasmGlobal).GetField("Vec", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo GlobalRefField = typeof(WasmGlobal).GetField("Ref", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo TableElementsField = typeof(WasmTable).GetField("Elements", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo FnOwnerField = typeof(WasmFunction).GetField("Owner", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo FnCodeField = typeof(WasmFunction).GetField("Code", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo FnGuardedCodeField = typeof(WasmFunction).GetField("GuardedCode", BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly ModuleEmitContext _mc;
    private readonly ModuleDefinition _m;
    private readonly FuncType _type;
    private readonly FunctionBody _body;
    private readonly ILGenerator _il;
    private readonly WasmReader _r;
    private readonly ValType[] _localTypes;
    private readonly LocalBuilder?[] _locals;
    private readonly short _ctxArg;
    private readonly List<ValType> _vals = new(64);
    private readonly List<Frame> _ctrls = new(16);
    private readonly Dictionary<Type, Stack<LocalBuilder>> _temps = [];
    private readonly LocalBuilder? _memBase;
    private readonly LocalBuilder? _memSize;
    private readonly LocalBuilder _ea;
    private readonly LocalBuilder _depth;
    private readonly LocalBuilder _fuel;
    private readonly LocalBuilder _stackProbe;

    public FunctionCompiler(ModuleEmitContext mc, int funcIndex)
    {
        _mc = mc;
        _m = mc.Module;
        _type = _m.FuncTypeOf(funcIndex);
        _body = _m.Bodies[funcIndex - _m.ImportedFunctionCount];
        _il = mc.Methods[funcIndex - _m.ImportedFunctionCount].GetILGenerator();
        _r = new WasmReader(_m.Bytes, _body.CodeStart, _body.CodeEnd);
        _localTypes = [.. _type.Params, .. _body.Locals];
        _locals = new LocalBuilder?[_localTypes.Length];
        for (var i = _type.Params.Length; i < _localTypes.Length; i++)
        {
            _locals[i] = _il.DeclareLocal(_localTypes[i].ClrType());
        }

        _ctxArg = (short)_type.Params.Length;
        if (mc.MemoryField is not null && MayAccessMemory(_m.Bytes.AsSpan(_body.CodeStart, _body.CodeEnd - _body.CodeStart)))
        {
            _memBase = _il.DeclareLocal(typeof(byte*));
            _memSize = _il.DeclareLocal(typeof(ulong));
        }

        _ea = _il.DeclareLocal(typeof(ulong));
        _depth = _il.DeclareLocal(typeof(int));
        _fuel = _il.DeclareLocal(typeof(long));
        _stackProbe = _il.DeclareLocal(typeof(byte));
    }

    private Frame Top => _ctrls[^1];

    /// <summary>
    /// False only when no byte of the body could be a load, store or SIMD opcode; such functions skip caching the
    /// memory's base and size (and refreshing them after every call). Immediates may give false positives only.
    /// </summary>
    private static bool MayAccessMemory(ReadOnlySpan<byte> code)
    {
        foreach (var b in code)
        {
            if (b is (>= 0x28 and <= 0x3E) or 0xFD)
            {
                return true;
            }
        }

        return false;
    }

    private bool Live => !Top.EmitDead;

    public void Compile()
    {
        EmitPrologue();
        _ctrls.Add(new Frame { Kind = 0, Params = [], Results = _type.Results, Height = 0 });
        while (_ctrls.Count > 0)
        {
            var op = _r.ReadByte();
            CompileOp(op);
        }

        if (_r.Position != _body.CodeEnd)
        {
            throw new WasmCompileException("section size mismatch: operators after function end");
        }
    }

    private void EmitPrologue()
    {
        // Depth check: ++ctx.Depth > ctx.MaxDepth traps; every 16 levels (every level for big frames) the real
        // stack is checked too, so deep recursion traps instead of crashing the process.
        LdCtx();
        _il.Emit(OpCodes.Ldfld, DepthField);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _depth);
        LdCtx();
        _il.Emit(OpCodes.Ldloc, _depth);
        _il.Emit(OpCodes.Stfld, DepthField);
        var ok = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, _depth);
        LdCtx();
        _il.Emit(OpCodes.Ldfld, MaxDepthField);
        _il.Emit(OpCodes.Ble, ok);
        _il.Emit(OpCodes.Call, typeof(Trap).GetMethod(nameof(Trap.CallStackExhausted))!);
        _il.Emit(OpCodes.Throw);
        _il.MarkLabel(ok);
        // The real stack is checked at the instance's outermost frame and whenever this frame is deeper than the
        // mark left by the last check (16 KiB below it), so recursion that oscillates in depth pays one compare.
        var skip = _il.DefineLabel();
        var check = _il.DefineLabel();
        if (_localTypes.Length >= 256)
        {
            // Big frames check on every entry: one frame may use more than the check interval.
            _il.Emit(OpCodes.Br, check);
        }

        _il.Emit(OpCodes.Ldloc, _depth);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Beq, check);
        _il.Emit(OpCodes.Ldloca, _stackProbe);
        _il.Emit(OpCodes.Conv_U);
        LdCtx();
        _il.Emit(OpCodes.Ldfld, StackMarkField);
        _il.Emit(OpCodes.Bge_Un, skip);
        _il.MarkLabel(check);
        LdCtx();
        _il.Emit(OpCodes.Call, typeof(InstanceContext).GetMethod(nameof(InstanceContext.CheckStack))!);
        _il.MarkLabel(skip);
        LoadFuel();
        EmitFuelCheck();
        ReloadMemory();
    }

    /// <summary>
    /// Spends one unit of fuel and polls the interrupt flag. The fuel counter lives in a local (a register in
    /// tight loops) and is written back to the context around calls and returns. Both slow paths end in a throw,
    /// so the JIT treats them as cold and keeps the loop's values in registers.
    /// </summary>
    private void EmitFuelCheck()
    {
        var ok = _il.DefineLabel();
        var fuelOk = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, _fuel);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Conv_I8);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Stloc, _fuel);
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Conv_I8);
        _il.Emit(OpCodes.Bge, fuelOk);
        LdCtx();
        _il.Emit(OpCodes.Call, typeof(InstanceContext).GetMethod(nameof(InstanceContext.OutOfFuel))!);
        _il.Emit(OpCodes.Throw);
        _il.MarkLabel(fuelOk);
        LdCtx();

        // Volatile so the JIT cannot hoist the read out of a loop that never writes it.
        _il.Emit(OpCodes.Volatile);
        _il.Emit(OpCodes.Ldfld, CallStateField);
        _il.Emit(OpCodes.Ldc_I4, InstanceContext.InterruptBit);
        _il.Emit(OpCodes.And);
        _il.Emit(OpCodes.Brfalse, ok);
        LdCtx();
        _il.Emit(OpCodes.Call, typeof(InstanceContext).GetMethod(nameof(InstanceContext.Interrupted))!);
        _il.Emit(OpCodes.Throw);
        _il.MarkLabel(ok);
    }

    private void StoreFuel()
    {
        LdCtx();
        _il.Emit(OpCodes.Ldloc, _fuel);
        _il.Emit(OpCodes.Stfld, FuelField);
    }

    private void LoadFuel()
    {
        LdCtx();
        _il.Emit(OpCodes.Ldfld, FuelField);
        _il.Emit(OpCodes.Stloc, _fuel);
    }

    private void ReloadMemory()
    {
        if (_memBase is null)
        {
            return;
        }

        LdCtx();
        _il.Emit(OpCodes.Ldfld, _mc.MemoryField!);
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Ldfld, MemBaseField);
        _il.Emit(OpCodes.Stloc, _memBase);
        _il.Emit(OpCodes.Ldfld, MemSizeField);
        _il.Emit(OpCodes.Stloc, _memSize!);
    }

    private void LdCtx() => _il.Emit(OpCodes.Ldarg, _ctxArg);

    // ---- validation stack ----
    private void Push(ValType t) => _vals.Add(t);

    private ValType Pop()
    {
        var f = Top;
        if (_vals.Count == f.Height)
        {
            if (f.Unreachable)
            {
                return ValType.Unknown;
            }

            throw Invalid("type mismatch");
        }

        var t = _vals[^1];
        _vals.RemoveAt(_vals.Count - 1);
        return t;
    }

    private ValType Pop(ValType expected)
    {
        var actual = Pop();
        if (actual != expected && actual != ValType.Unknown && expected != ValType.Unknown)
        {
            throw Invalid("type mismatch");
        }

        return actual == ValType.Unknown ? expected : actual;
    }

    private void PopVals(ValType[] types)
    {
        for (var i = types.Length - 1; i >= 0; i--)
        {
            Pop(types[i]);
        }
    }

    private void PushVals(ValType[] types)
    {
        foreach (var t in types)
        {
            Push(t);
        }
    }

    private void SetUnreachable()
    {
        var f = Top;
        _vals.RemoveRange(f.Height, _vals.Count - f.Height);
        f.Unreachable = true;
        f.EmitDead = true;
    }

    private static WasmCompileException Invalid(string message) => new(message);

    // ---- temps ----
    private LocalBuilder Temp(Type t)
    {
        if (_temps.TryGetValue(t, out var s) && s.Count > 0)
        {
            return s.Pop();
        }

        return _il.DeclareLocal(t);
    }

    private void Release(LocalBuilder l)
    {
        if (!_temps.TryGetValue(l.LocalType, out var s))
        {
            _temps[l.LocalType] = s = new Stack<LocalBuilder>();
        }

        s.Push(l);
    }

    private void EmitPop(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _il.Emit(OpCodes.Pop);
        }
    }

    /// <summary>Drops <paramref name="excess"/> IL stack values below the top <paramref name="keep"/> values.</summary>
    private void EmitDropBelow(ValType[] keep, int excess)
    {
        if (excess <= 0)
        {
            return;
        }

        var saved = new LocalBuilder[keep.Length];
        for (var i = keep.Length - 1; i >= 0; i--)
        {
            saved[i] = Temp(keep[i].ClrType());
            _il.Emit(OpCodes.Stloc, saved[i]);
        }

        EmitPop(excess);
        for (var i = 0; i < keep.Length; i++)
        {
            _il.Emit(OpCodes.Ldloc, saved[i]);
            Release(saved[i]);
        }
    }

    private Frame Target(uint depth)
    {
        if (depth >= (uint)_ctrls.Count)
        {
            throw Invalid("unknown label");
        }

        return _ctrls[_ctrls.Count - 1 - (int)depth];
    }

    /// <summary>Emits an unconditional jump to <paramref name="target"/> from the current (live) stack state.</summary>
    private void EmitJump(Frame target)
    {
        if (target.Kind == 0)
        {
            EmitReturn();
            return;
        }

        var types = target.LabelTypes;
        EmitDropBelow(types, _vals.Count - target.Height - types.Length);
        _il.Emit(OpCodes.Br, target.Label);
        target.LabelUsed = true;
    }

    private void EmitReturn()
    {
        var results = _type.Results;
        var excess = _vals.Count - results.Length;
        if (results.Length <= 1)
        {
            EmitDropBelow(results, excess);
        }
        else
        {
            for (var i = results.Length - 1; i >= 0; i--)
            {
                EmitStoreMulti(results[i], i);
            }

            EmitPop(excess);
        }

        StoreFuel();
        LdCtx();
        _il.Emit(OpCodes.Ldloc, _depth);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stfld, DepthField);
        _il.Emit(OpCodes.Ret);
    }

    private void EmitStoreMulti(ValType t, int slot)
    {
        switch (t)
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

        _il.Emit(OpCodes.Ldc_I4, slot);
        _il.Emit(OpCodes.Call, typeof(MultiValue).GetMethod(t.IsRef() ? nameof(MultiValue.SetRef) : t == ValType.V128 ? nameof(MultiValue.SetVec) : nameof(MultiValue.SetBits))!);
    }

    private void EmitLoadMulti(ValType t, int slot)
    {
        _il.Emit(OpCodes.Ldc_I4, slot);
        _il.Emit(OpCodes.Call, typeof(MultiValue).GetMethod(t.IsRef() ? nameof(MultiValue.GetRef) : t == ValType.V128 ? nameof(MultiValue.GetVec) : nameof(MultiValue.GetBits))!);
        switch (t)
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
    }

    private (ValType[] Params, ValType[] Results) ReadBlockType()
    {
        var b = _r.PeekByte();
        if (b == 0x40)
        {
            _r.Position++;
            return ([], []);
        }

        if (b is 0x7F or 0x7E or 0x7D or 0x7C or 0x7B or 0x70 or 0x6F)
        {
            _r.Position++;
            return ([], [(ValType)b]);
        }

        var idx = _r.ReadS33();
        if (idx < 0 || idx >= _m.Types.Count)
        {
            throw Invalid("unknown type");
        }

        var ft = _m.Types[(int)idx];
        return (ft.Params, ft.Results);
    }

    private void PushFrame(byte kind, ValType[] ps, ValType[] rs)
    {
        var live = Live;
        var f = new Frame
        {
            Kind = kind,
            Params = ps,
            Results = rs,
            Height = _vals.Count - ps.Length,
            DeadEntry = !live,
            EmitDead = !live,
            Label = live ? _il.DefineLabel() : default,
            ElseLabel = live && kind == 0x04 ? _il.DefineLabel() : default,
        };
        _ctrls.Add(f);
    }

    private void CompileBlockOps(byte op)
    {
        switch (op)
        {
            case 0x02:
                {
                    var (ps, rs) = ReadBlockType();
                    PopVals(ps);
                    PushVals(ps);
                    PushFrame(op, ps, rs);
                    break;
                }

            case 0x03:
                {
                    var (ps, rs) = ReadBlockType();
                    PopVals(ps);
                    PushVals(ps);
                    PushFrame(op, ps, rs);
                    if (Live)
                    {
                        _il.MarkLabel(Top.Label);
                        EmitFuelCheck();
                    }

                    break;
                }

            case 0x04:
                {
                    var (ps, rs) = ReadBlockType();
                    Pop(ValType.I32);
                    PopVals(ps);
                    PushVals(ps);
                    var live = Live;
                    PushFrame(op, ps, rs);
                    if (live)
                    {
                        _il.Emit(OpCodes.Brfalse, Top.ElseLabel);
                    }

                    break;
                }

            case 0x05:
                {
                    var f = Top;
                    if (f.Kind != 0x04 || f.HasElse)
                    {
                        throw Invalid("else without if");
                    }

                    PopVals(f.Results);
                    if (_vals.Count != f.Height)
                    {
                        throw Invalid("type mismatch");
                    }

                    if (!f.DeadEntry)
                    {
                        if (!f.EmitDead)
                        {
                            _il.Emit(OpCodes.Br, f.Label);
                            f.LabelUsed = true;
                        }

                        _il.MarkLabel(f.ElseLabel);
                    }

                    f.HasElse = true;
                    f.Unreachable = false;
                    f.EmitDead = f.DeadEntry;
                    PushVals(f.Params);
                    break;
                }

            case 0x0B:
                {
                    var f = Top;
                    if (f.Kind == 0x04 && !f.HasElse)
                    {
                        // An if without else behaves as if the else arm passed its parameters through.
                        PopVals(f.Results);
                        if (_vals.Count != f.Height)
                        {
                            throw Invalid("type mismatch");
                        }

                        PushVals(f.Params);
                    }

                    PopVals(f.Results);
                    if (_vals.Count != f.Height)
                    {
                        throw Invalid("type mismatch");
                    }

                    if (f.Kind == 0)
                    {
                        PushVals(f.Results);
                        if (!f.EmitDead)
                        {
                            EmitReturn();
                        }

                        _ctrls.RemoveAt(_ctrls.Count - 1);
                        return;
                    }

                    var reachable = false;
                    if (!f.DeadEntry)
                    {
                        reachable = !f.EmitDead;
                        if (f.Kind == 0x04 && !f.HasElse)
                        {
                            _il.MarkLabel(f.ElseLabel);
                            reachable = true;
                        }

                        if (f.Kind != 0x03)
                        {
                            _il.MarkLabel(f.Label);
                            reachable |= f.LabelUsed;
                        }
                    }

                    _ctrls.RemoveAt(_ctrls.Count - 1);
                    PushVals(f.Results);
                    if (!f.DeadEntry && !reachable)
                    {
                        Top.EmitDead = true;
                    }

                    break;
                }

            case 0x0C:
                {
                    var target = Target(_r.ReadU32());
                    PopVals(target.LabelTypes);
                    PushVals(target.LabelTypes);
                    if (Live)
                    {
                        EmitJump(target);
                    }

                    SetUnreachable();
                    break;
                }

            case 0x0D:
                {
                    var target = Target(_r.ReadU32());
                    Pop(ValType.I32);
                    PopVals(target.LabelTypes);
                    PushVals(target.LabelTypes);
                    if (Live)
                    {
                        var types = target.LabelTypes;
                        if (target.Kind != 0 && _vals.Count - target.Height - types.Length == 0)
                        {
                            _il.Emit(OpCodes.Brtrue, target.Label);
                            target.LabelUsed = true;
                        }
                        else
                        {
                            var skip = _il.DefineLabel();
                            _il.Emit(OpCodes.Brfalse, skip);
                            EmitJump(target);
                            _il.MarkLabel(skip);
                        }
                    }

                    break;
                }

            case 0x0E:
                {
                    var n = _r.ReadCount();
                    var depths = new uint[n];
                    for (var i = 0; i < n; i++)
                    {
                        depths[i] = _r.ReadU32();
                    }

                    var def = Target(_r.ReadU32());
                    Pop(ValType.I32);
                    var arity = def.LabelTypes.Length;
                    foreach (var d in depths)
                    {
                        var t = Target(d);
                        if (t.LabelTypes.Length != arity)
                        {
                            throw Invalid("type mismatch");
                        }

                        // Re-push what was popped (possibly unknown), as the specification's algorithm does.
                        var popped = new ValType[t.LabelTypes.Length];
                        for (var k = popped.Length - 1; k >= 0; k--)
                        {
                            var actual = Pop();
                            if (actual != t.LabelTypes[k] && actual != ValType.Unknown)
                            {
                                throw Invalid("type mismatch");
                            }

                            popped[k] = actual;
                        }

                        PushVals(popped);
                    }

                    PopVals(def.LabelTypes);
                    PushVals(def.LabelTypes);
                    if (Live)
                    {
                        EmitBrTable(depths, def);
                    }

                    SetUnreachable();
                    break;
                }

            case 0x0F:
                PopVals(_type.Results);
                PushVals(_type.Results);
                if (Live)
                {
                    EmitReturn();
                }

                SetUnreachable();
                break;
        }
    }

    private void EmitBrTable(uint[] depths, Frame def)
    {
        // The i32 index is on top of the IL stack; _vals no longer includes it.
        var stubs = new Dictionary<uint, Label>();
        var labels = new Label[depths.Length];
        var pending = new List<(Label Stub, Frame Target)>();
        for (var i = 0; i < depths.Length; i++)
        {
            labels[i] = LabelFor(depths[i]);
        }

        var defLabel = LabelFor((uint)(_ctrls.Count - 1 - _ctrls.IndexOf(def)));
        _il.Emit(OpCodes.Switch, labels);
        _il.Emit(OpCodes.Br, defLabel);
        foreach (var (stub, target) in pending)
        {
            _il.MarkLabel(stub);
            EmitJump(target);
        }

        Label LabelFor(uint depth)
        {
            var t = Target(depth);
            if (t.Kind != 0 && _vals.Count - t.Height - t.LabelTypes.Length == 0)
            {
                t.LabelUsed = true;
                return t.Label;
            }

            if (!stubs.TryGetValue(depth, out var stub))
            {
                stub = _il.DefineLabel();
                stubs[depth] = stub;
                pending.Add((stub, t));
            }

            return stub;
        }
    }
}
