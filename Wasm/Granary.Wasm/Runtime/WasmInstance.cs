using Granary.Wasm.Compilation;

namespace Granary.Wasm.Runtime;

/// <summary>The <see cref="IWasmInstance"/> of the built-in engine.</summary>
internal sealed class WasmInstance(CompiledModule module, InstanceContext ctx) : IWasmInstance
{
    public WasmMemory? Memory => ctx.Memories.Length > 0 ? ctx.Memories[0] : null;

    public IReadOnlyList<WasmExportInfo> Exports => module.Exports;

    public long FuelRemaining => ctx.FuelRemaining;

    internal InstanceContext Context => ctx;

    public void AddFuel(long amount) => ctx.AddFuel(amount);

    public object? GetExport(string name)
    {
        if (!module.TryGetExport(name, out var e))
        {
            return null;
        }

        return e.Kind switch
        {
            ExternKind.Function => ctx.GetFunction(e.Index),
            ExternKind.Table => ctx.Tables[e.Index],
            ExternKind.Memory => ctx.Memories[e.Index],
            _ => ctx.Globals[e.Index],
        };
    }

    public TDelegate GetFunction<TDelegate>(string name)
        where TDelegate : Delegate =>
        GetExport(name) is WasmFunction f
            ? f.ToDelegate<TDelegate>()
            : throw new KeyNotFoundException($"no exported function named '{name}'");
}
