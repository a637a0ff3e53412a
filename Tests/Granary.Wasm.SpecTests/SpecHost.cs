namespace Granary.Wasm.SpecTests;

/// <summary>
/// Imports for a script: the <c>spectest</c> host module plus every instance registered with <c>register</c>.
/// </summary>
public sealed class SpecHost : IWasmImports
{
    private readonly WasmImports _spectest = new();
    private readonly Dictionary<string, IWasmInstance> _registered = new(StringComparer.Ordinal);

    public SpecHost()
    {
        _spectest
            .AddFunction("spectest", "print", new Action(() => { }))
            .AddFunction("spectest", "print_i32", new Action<int>(_ => { }))
            .AddFunction("spectest", "print_i64", new Action<long>(_ => { }))
            .AddFunction("spectest", "print_f32", new Action<float>(_ => { }))
            .AddFunction("spectest", "print_f64", new Action<double>(_ => { }))
            .AddFunction("spectest", "print_i32_f32", new Action<int, float>((_, _) => { }))
            .AddFunction("spectest", "print_f64_f64", new Action<double, double>((_, _) => { }))
            .Add("spectest", "global_i32", WasmGlobal.I32(666))
            .Add("spectest", "global_i64", WasmGlobal.I64(666))
            .Add("spectest", "global_f32", WasmGlobal.F32(666.6f))
            .Add("spectest", "global_f64", WasmGlobal.F64(666.6))
            .Add("spectest", "table", new WasmTable(10, 20))
            .Add("spectest", "memory", new WasmMemory(1, 2));
    }

    public void Register(string name, IWasmInstance instance) => _registered[name] = instance;

    public object? Resolve(string module, string name, ExternKind kind, IWasmInstance importer)
    {
        if (module == "spectest")
        {
            return _spectest.Resolve(module, name, kind, importer);
        }

        return _registered.TryGetValue(module, out var instance) ? instance.GetExport(name) : null;
    }
}
