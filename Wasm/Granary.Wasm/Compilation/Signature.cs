using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using Granary.Wasm.Model;

namespace Granary.Wasm.Compilation;

/// <summary>
/// Per-signature artefacts shared by every module (emitted once into a non-collectible dynamic assembly): the
/// delegate type, a thunk that lets a host delegate be called like a WebAssembly function, a trampoline that
/// turns a <see cref="WasmFunction"/> into a typed delegate, and a boxed invoker for dynamic calls.
/// </summary>
internal sealed class Signature
{
    private static readonly ConcurrentDictionary<int, Signature> Cache = new();
    private static readonly Lock Gate = new();
    private static ModuleBuilder? s_module;
    private static int s_counter;

    private Signature(FuncType type, Type delegateType, MethodInfo host, MethodInfo trampoline, Func<WasmFunction, object?[], object?> dynamicInvoke)
    {
        Type = type;
        DelegateType = delegateType;
        Host = host;
        HostPointer = host.MethodHandle.GetFunctionPointer();
        Trampoline = trampoline;
        DynamicInvoke = dynamicInvoke;
    }

    public FuncType Type { get; }

    /// <summary>A delegate type taking the parameters and returning the single result (void for none or many).</summary>
    public Type DelegateType { get; }

    /// <summary><c>static R Host(params..., object owner)</c>: calls <c>owner</c> as a <see cref="DelegateType"/>.</summary>
    public MethodInfo Host { get; }

    public IntPtr HostPointer { get; }

    /// <summary><c>static R Tramp(WasmFunction f, params...)</c>: calls <c>f</c>; close over f to get a typed delegate.</summary>
    public MethodInfo Trampoline { get; }

    public Func<WasmFunction, object?[], object?> DynamicInvoke { get; }

    public static Type ReturnType(FuncType t) => t.Results.Length == 1 ? t.Results[0].ClrType() : typeof(void);

    public static Type[] ParamTypes(FuncType t) => [.. t.Params.Select(p => p.ClrType())];

    /// <summary>The parameter types of a calli to compiled code: the parameters, then the owner object.</summary>
    public static Type[] CallParamTypes(FuncType t) => [.. t.Params.Select(p => p.ClrType()), typeof(object)];

    public static Signature Get(FuncType type) => Cache.TryGetValue(type.Id, out var s) ? s : Create(type);

    private static readonly ConcurrentDictionary<Type, HostAdapter> Adapters = new();

    /// <summary>
    /// How to call delegates of <paramref name="delegateType"/> from compiled code: the WebAssembly signature and a
    /// thunk <c>static R H(params..., object owner) => ((TDelegate)owner).Invoke(params...)</c>, emitted once per
    /// delegate type so that linking a host function per instance costs one allocation, not reflection.
    /// </summary>
    public static HostAdapter AdapterFor(Type delegateType) => Adapters.TryGetValue(delegateType, out var a) ? a : CreateAdapter(delegateType);

    private static HostAdapter CreateAdapter(Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var ps = invoke.GetParameters().Select(p => ValTypes.FromClr(p.ParameterType)).ToArray();
        var rs = invoke.ReturnType == typeof(void) ? [] : new[] { ValTypes.FromClr(invoke.ReturnType) };
        var type = new FuncType(ps, rs);
        var sig = Get(type);
        if (delegateType.Assembly.IsCollectible || !delegateType.IsVisible)
        {
            // A non-collectible thunk cannot name this type; adapt each delegate to the signature's own type instead.
            return Adapters.GetOrAdd(delegateType, new HostAdapter(type, sig.HostPointer, invoke, sig.DelegateType));
        }

        lock (Gate)
        {
            if (Adapters.TryGetValue(delegateType, out var existing))
            {
                return existing;
            }

            var tb = s_module!.DefineType($"Host{++s_counter}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
            var clrParams = Signature.ParamTypes(type);
            var host = tb.DefineMethod("Host", MethodAttributes.Public | MethodAttributes.Static, ReturnType(type), CallParamTypes(type));
            host.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
            var il = host.GetILGenerator();
            il.Emit(OpCodes.Ldarg, (short)clrParams.Length);
            il.Emit(OpCodes.Castclass, delegateType);
            for (var i = 0; i < clrParams.Length; i++)
            {
                il.Emit(OpCodes.Ldarg, (short)i);
            }

            il.Emit(OpCodes.Callvirt, invoke);
            il.Emit(OpCodes.Ret);
            var pointer = tb.CreateType().GetMethod("Host")!.MethodHandle.GetFunctionPointer();
            var adapter = new HostAdapter(type, pointer, null, null);
            Adapters[delegateType] = adapter;
            return adapter;
        }
    }

    private static Signature Create(FuncType type)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue(type.Id, out var existing))
            {
                return existing;
            }

            s_module ??= DynamicAssemblies.Define("Granary.Wasm.Signatures", AssemblyBuilderAccess.Run).DefineDynamicModule("Signatures");
            var n = ++s_counter;
            var ret = ReturnType(type);
            var ps = ParamTypes(type);

            var db = s_module.DefineType($"Sig{n}Delegate", TypeAttributes.Public | TypeAttributes.Sealed, typeof(MulticastDelegate));
            var ctor = db.DefineConstructor(MethodAttributes.RTSpecialName | MethodAttributes.SpecialName | MethodAttributes.HideBySig | MethodAttributes.Public, CallingConventions.Standard, [typeof(object), typeof(IntPtr)]);
            ctor.SetImplementationFlags(MethodImplAttributes.Runtime | MethodImplAttributes.Managed);
            var inv = db.DefineMethod("Invoke", MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.NewSlot | MethodAttributes.Virtual, ret, ps);
            inv.SetImplementationFlags(MethodImplAttributes.Runtime | MethodImplAttributes.Managed);
            var delegateType = db.CreateType();
            var invoke = delegateType.GetMethod("Invoke")!;

            var tb = s_module.DefineType($"Sig{n}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
            var host = tb.DefineMethod("Host", MethodAttributes.Public | MethodAttributes.Static, ret, CallParamTypes(type));
            var il = host.GetILGenerator();
            il.Emit(OpCodes.Ldarg, (short)ps.Length);
            il.Emit(OpCodes.Castclass, delegateType);
            for (var i = 0; i < ps.Length; i++)
            {
                il.Emit(OpCodes.Ldarg, (short)i);
            }

            il.Emit(OpCodes.Callvirt, invoke);
            il.Emit(OpCodes.Ret);

            var ownerField = typeof(WasmFunction).GetField(nameof(WasmFunction.Owner), BindingFlags.NonPublic | BindingFlags.Instance)!;
            var codeField = typeof(WasmFunction).GetField(nameof(WasmFunction.Code), BindingFlags.NonPublic | BindingFlags.Instance)!;
            var guardedField = typeof(WasmFunction).GetField(nameof(WasmFunction.GuardedCode), BindingFlags.NonPublic | BindingFlags.Instance)!;
            var tramp = tb.DefineMethod("Tramp", MethodAttributes.Public | MethodAttributes.Static, ret, [typeof(WasmFunction), .. ps]);
            il = tramp.GetILGenerator();
            for (var i = 0; i < ps.Length; i++)
            {
                il.Emit(OpCodes.Ldarg, (short)(i + 1));
            }

            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, ownerField);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, guardedField);
            il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ret, CallParamTypes(type), null);
            il.Emit(OpCodes.Ret);

            var dyn = tb.DefineMethod("Dyn", MethodAttributes.Public | MethodAttributes.Static, typeof(object), [typeof(WasmFunction), typeof(object[])]);
            il = dyn.GetILGenerator();
            for (var i = 0; i < ps.Length; i++)
            {
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4, i);
                il.Emit(OpCodes.Ldelem_Ref);
                if (ps[i] != typeof(object))
                {
                    il.Emit(OpCodes.Unbox_Any, ps[i]);
                }
            }

            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, ownerField);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, codeField);
            il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ret, CallParamTypes(type), null);
            if (ret == typeof(void))
            {
                il.Emit(OpCodes.Ldnull);
            }
            else if (ret != typeof(object))
            {
                il.Emit(OpCodes.Box, ret);
            }

            il.Emit(OpCodes.Ret);
            var t = tb.CreateType();
            var dynInvoke = t.GetMethod("Dyn")!.CreateDelegate<Func<WasmFunction, object?[], object?>>();
            var sig = new Signature(type, delegateType, t.GetMethod("Host")!, t.GetMethod("Tramp")!, dynInvoke);
            Cache[type.Id] = sig;
            return sig;
        }
    }
}
