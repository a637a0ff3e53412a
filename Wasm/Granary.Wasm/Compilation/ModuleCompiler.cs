using System.Reflection;
using System.Reflection.Emit;
using Granary.Wasm.Model;
using Granary.Wasm.Runtime;

namespace Granary.Wasm.Compilation;

/// <summary>
/// Compiles a validated module into one collectible dynamic type: a subclass of <see cref="InstanceContext"/>
/// holding the instance's memory, tables, globals and imports as fields, plus one static method per function
/// (<c>f{i}(params..., ctx)</c>) and one host entry per function (<c>e{i}(ctx, params...)</c>).
/// </summary>
internal static class ModuleCompiler
{
    private static int s_counter;

    public static CompiledModule Compile(ModuleDefinition m, HashSet<int> refs)
    {
        var n = Interlocked.Increment(ref s_counter);
        var ab = DynamicAssemblies.Define($"Granary.Wasm.Module{n}", AssemblyBuilderAccess.RunAndCollect);
        var mb = ab.DefineDynamicModule("Module");
        var tb = mb.DefineType($"WasmModule{n}", TypeAttributes.Public | TypeAttributes.Sealed, typeof(InstanceContext));
        var memField = m.Memories.Count > 0 ? tb.DefineField("M0", typeof(WasmMemory), FieldAttributes.Public) : null;
        var tableFields = m.Tables.Select((_, i) => tb.DefineField($"T{i}", typeof(WasmTable), FieldAttributes.Public)).ToArray();
        var globalFields = m.Globals.Select((_, i) => tb.DefineField($"G{i}", typeof(WasmGlobal), FieldAttributes.Public)).ToArray();
        var importFields = Enumerable.Range(0, m.ImportedFunctionCount).Select(i => tb.DefineField($"I{i}", typeof(WasmFunction), FieldAttributes.Public)).ToArray();
        var defined = m.FunctionTypes.Count - m.ImportedFunctionCount;
        var methods = new MethodBuilder[defined];
        for (var i = 0; i < defined; i++)
        {
            var ft = m.FuncTypeOf(i + m.ImportedFunctionCount);
            methods[i] = tb.DefineMethod($"f{i + m.ImportedFunctionCount}", MethodAttributes.Public | MethodAttributes.Static, Signature.ReturnType(ft), [.. Signature.ParamTypes(ft), tb]);

            // Straight to optimized code: WebAssembly is already compiled ahead of time, tier-0 code and on-stack
            // replacement would only add warm-up and make timings bimodal.
            methods[i].SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        }

        var mc = new ModuleEmitContext
        {
            Module = m,
            DeclaredRefs = refs,
            ContextType = tb,
            MemoryField = memField,
            TableFields = tableFields,
            GlobalFields = globalFields,
            ImportFields = importFields,
            Methods = methods,
        };
        for (var i = 0; i < defined; i++)
        {
            new FunctionCompiler(mc, i + m.ImportedFunctionCount).Compile();
        }

        for (var i = 0; i < defined; i++)
        {
            EmitEntry(tb, methods[i], m.FuncTypeOf(i + m.ImportedFunctionCount), $"e{i + m.ImportedFunctionCount}");
            EmitGuardedCall(tb, methods[i], m.FuncTypeOf(i + m.ImportedFunctionCount), $"c{i + m.ImportedFunctionCount}");
        }

        EmitCreate(tb);
        EmitBind(tb, mc);
        var type = tb.CreateType();
        var create = type.GetMethod("Create")!.CreateDelegate<Func<InstanceContext>>();
        var bind = type.GetMethod("Bind")!.CreateDelegate<Action<InstanceContext>>();
        var entries = new MethodInfo[defined];
        var codes = new IntPtr[defined];
        var guarded = new IntPtr[defined];
        for (var i = 0; i < defined; i++)
        {
            var idx = i + m.ImportedFunctionCount;
            entries[i] = type.GetMethod($"e{idx}")!;
            codes[i] = type.GetMethod($"f{idx}")!.MethodHandle.GetFunctionPointer();
            guarded[i] = type.GetMethod($"c{idx}")!.MethodHandle.GetFunctionPointer();
        }

        return new CompiledModule(m, create, bind, entries, codes, guarded);
    }

    private static void EmitEntry(TypeBuilder tb, MethodBuilder target, FuncType ft, string name)
    {
        var depthField = typeof(InstanceContext).GetField(nameof(InstanceContext.Depth))!;
        var ret = Signature.ReturnType(ft);
        var ps = Signature.ParamTypes(ft);
        var entry = tb.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static, ret, [tb, .. ps]);
        entry.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        var il = entry.GetILGenerator();
        var saved = il.DeclareLocal(typeof(int));
        var result = ret == typeof(void) ? null : il.DeclareLocal(ret);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, depthField);
        il.Emit(OpCodes.Stloc, saved);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldloc, saved);
        il.Emit(OpCodes.Call, typeof(InstanceContext).GetMethod(nameof(InstanceContext.OnEnter))!);
        il.BeginExceptionBlock();
        for (var i = 0; i < ps.Length; i++)
        {
            il.Emit(OpCodes.Ldarg, (short)(i + 1));
        }

        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, target);
        if (result is not null)
        {
            il.Emit(OpCodes.Stloc, result);
        }

        il.BeginFinallyBlock();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldloc, saved);
        il.Emit(OpCodes.Stfld, depthField);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldloc, saved);
        il.Emit(OpCodes.Call, typeof(InstanceContext).GetMethod(nameof(InstanceContext.OnExit))!);
        il.EndExceptionBlock();
        if (result is not null)
        {
            il.Emit(OpCodes.Ldloc, result);
        }

        il.Emit(OpCodes.Ret);
    }

    /// <summary>
    /// <c>c{i}(params..., ctx)</c>: calls <c>f{i}</c> and restores the instance's call depth even when the call
    /// traps. Calls from other instances (imports, foreign table entries) go through it, so a trap unwinding through
    /// this instance cannot leave its depth counter raised.
    /// </summary>
    private static void EmitGuardedCall(TypeBuilder tb, MethodBuilder target, FuncType ft, string name)
    {
        var depthField = typeof(InstanceContext).GetField(nameof(InstanceContext.Depth))!;
        var ret = Signature.ReturnType(ft);
        var ps = Signature.ParamTypes(ft);
        var method = tb.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static, ret, [.. ps, tb]);
        method.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        var il = method.GetILGenerator();
        var ctx = (short)ps.Length;
        var saved = il.DeclareLocal(typeof(int));
        var result = ret == typeof(void) ? null : il.DeclareLocal(ret);
        il.Emit(OpCodes.Ldarg, ctx);
        il.Emit(OpCodes.Ldfld, depthField);
        il.Emit(OpCodes.Stloc, saved);
        il.BeginExceptionBlock();
        for (var i = 0; i <= ps.Length; i++)
        {
            il.Emit(OpCodes.Ldarg, (short)i);
        }

        il.Emit(OpCodes.Call, target);
        if (result is not null)
        {
            il.Emit(OpCodes.Stloc, result);
        }

        il.BeginFinallyBlock();
        il.Emit(OpCodes.Ldarg, ctx);
        il.Emit(OpCodes.Ldloc, saved);
        il.Emit(OpCodes.Stfld, depthField);
        il.EndExceptionBlock();
        if (result is not null)
        {
            il.Emit(OpCodes.Ldloc, result);
        }

        il.Emit(OpCodes.Ret);
    }

    private static void EmitCreate(TypeBuilder tb)
    {
        var ctor = tb.DefineDefaultConstructor(MethodAttributes.Public);
        var create = tb.DefineMethod("Create", MethodAttributes.Public | MethodAttributes.Static, typeof(InstanceContext), Type.EmptyTypes);
        var il = create.GetILGenerator();
        il.Emit(OpCodes.Newobj, ctor);
        il.Emit(OpCodes.Ret);
    }

    private static void EmitBind(TypeBuilder tb, ModuleEmitContext mc)
    {
        var bind = tb.DefineMethod("Bind", MethodAttributes.Public | MethodAttributes.Static, typeof(void), [typeof(InstanceContext)]);
        var il = bind.GetILGenerator();
        var self = il.DeclareLocal(tb);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Castclass, tb);
        il.Emit(OpCodes.Stloc, self);
        if (mc.MemoryField is not null)
        {
            Copy(nameof(InstanceContext.Memories), 0, mc.MemoryField);
        }

        for (var i = 0; i < mc.TableFields.Length; i++)
        {
            Copy(nameof(InstanceContext.Tables), i, mc.TableFields[i]);
        }

        for (var i = 0; i < mc.GlobalFields.Length; i++)
        {
            Copy(nameof(InstanceContext.Globals), i, mc.GlobalFields[i]);
        }

        for (var i = 0; i < mc.ImportFields.Length; i++)
        {
            Copy(nameof(InstanceContext.Functions), i, mc.ImportFields[i]);
        }

        il.Emit(OpCodes.Ret);

        void Copy(string arrayField, int index, FieldInfo target)
        {
            il.Emit(OpCodes.Ldloc, self);
            il.Emit(OpCodes.Ldloc, self);
            il.Emit(OpCodes.Ldfld, typeof(InstanceContext).GetField(arrayField)!);
            il.Emit(OpCodes.Ldc_I4, index);
            il.Emit(OpCodes.Ldelem_Ref);
            il.Emit(OpCodes.Stfld, target);
        }
    }
}
