using System.Reflection;
using Granary.Wasm.Compilation;
using Granary.Wasm.Model;
using Granary.Wasm.Runtime;

namespace Granary.Wasm;

/// <summary>
/// A function reference (a funcref value): a compiled WebAssembly function bound to its instance, or a host
/// delegate adapted to a WebAssembly signature. Table entries of funcref tables are <see cref="WasmFunction"/>s.
/// </summary>
public sealed class WasmFunction
{
    // Generated code calls functions as calli(args..., Owner) through Code.
    internal readonly IntPtr Code;

    // The same signature as Code, but restores the owner's call depth when a trap unwinds (used across instances).
    internal readonly IntPtr GuardedCode;
    internal readonly object Owner;
    internal readonly int TypeId;

    internal WasmFunction(FuncType type, IntPtr code, IntPtr guardedCode, object owner, MethodInfo? entry)
    {
        Type = type;
        TypeId = type.Id;
        Code = code;
        GuardedCode = guardedCode;
        Owner = owner;
        Entry = entry;
    }

    internal FuncType Type { get; }

    /// <summary>For compiled functions: <c>static R Entry(ctx, params...)</c> that restores the call depth after traps.</summary>
    internal MethodInfo? Entry { get; }

    /// <summary>The parameter types as CLR types (int, long, float, double, object for references).</summary>
    public IReadOnlyList<Type> ParameterTypes => Signature.ParamTypes(Type);

    /// <summary>The result types as CLR types.</summary>
    public IReadOnlyList<Type> ResultTypes => [.. Type.Results.Select(r => r.ClrType())];

    /// <summary>Creates a host function from a delegate whose parameters and return type are int, long, float, double or object.</summary>
    public static WasmFunction FromDelegate(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var adapter = Signature.AdapterFor(function.GetType());
        var owner = adapter.AdaptTo is { } target && function.GetType() != target
            ? Delegate.CreateDelegate(target, function, adapter.Invoke!)
            : function;
        return new WasmFunction(adapter.Type, adapter.Code, adapter.Code, owner, null);
    }

    /// <summary>
    /// Calls the function with boxed arguments (int, long, float, double, or a reference) and returns the boxed
    /// results. Meant for tools and tests; use <see cref="ToDelegate{TDelegate}"/> on hot paths.
    /// </summary>
    public object?[] Invoke(params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != Type.Params.Length)
        {
            throw new ArgumentException($"expected {Type.Params.Length} arguments, got {args.Length}", nameof(args));
        }

        var ctx = Owner as InstanceContext;
        var depth = ctx?.Depth ?? 0;
        object? single;
        try
        {
            ctx?.OnEnter(depth);
            single = Signature.Get(Type).DynamicInvoke(this, args);
        }
        finally
        {
            if (ctx is not null)
            {
                ctx.Depth = depth;
                ctx.OnExit(depth);
            }
        }

        var results = Type.Results;
        if (results.Length == 0)
        {
            return [];
        }

        if (results.Length == 1)
        {
            return [single];
        }

        var values = new object?[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            values[i] = results[i] switch
            {
                ValType.I32 => (int)MultiValue.GetBits(i),
                ValType.I64 => MultiValue.GetBits(i),
                ValType.F32 => BitConverter.Int32BitsToSingle((int)MultiValue.GetBits(i)),
                ValType.F64 => BitConverter.Int64BitsToDouble(MultiValue.GetBits(i)),
                ValType.V128 => MultiValue.GetVec(i),
                _ => MultiValue.GetRef(i),
            };
        }

        return values;
    }

    /// <summary>
    /// A typed delegate calling this function directly (no boxing). The delegate's parameters and return type
    /// must match the signature exactly (int for i32, long for i64, float, double, object for references).
    /// Traps surface as <see cref="WasmTrapException"/>.
    /// </summary>
    public TDelegate ToDelegate<TDelegate>()
        where TDelegate : Delegate
    {
        if (!DelegateShape<TDelegate>.Matches(Type))
        {
            throw new ArgumentException($"delegate {typeof(TDelegate)} does not match the function type {Type}");
        }

        if (Entry is not null)
        {
            return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), Owner, Entry);
        }

        return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), this, Signature.Get(Type).Trampoline);
    }

    /// <summary>Whether a delegate type fits a function type, worked out by reflection once per pair (instances ask for the same exports again and again).</summary>
    private static class DelegateShape<TDelegate>
        where TDelegate : Delegate
    {
        private static readonly MethodInfo Invoke = typeof(TDelegate).GetMethod("Invoke")!;
        private static readonly Type[] Parameters = [.. Invoke.GetParameters().Select(p => p.ParameterType)];
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> Known = new();

        public static bool Matches(FuncType type) => Known.GetOrAdd(type.Id, static (_, t) =>
            t.Results.Length <= 1 && Parameters.SequenceEqual(Signature.ParamTypes(t)) && Invoke.ReturnType == Signature.ReturnType(t), type);
    }
}
