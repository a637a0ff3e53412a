namespace Granary.Wasm;

/// <summary>
/// A dictionary of import values keyed by module and name. Host functions are plain delegates (parameters and
/// result int, long, float, double or object); use the factory overload when the function needs the calling
/// instance, for example to read its memory.
/// </summary>
public sealed class WasmImports : IWasmImports
{
    private readonly Dictionary<(string Module, string Name), object> _values = [];
    private readonly Dictionary<(string Module, string Name), Func<IWasmInstance, Delegate>> _factories = [];
    private readonly Dictionary<string, IWasmInstance> _instances = new(StringComparer.Ordinal);

    /// <summary>Adds a host function.</summary>
    public WasmImports AddFunction(string module, string name, Delegate function)
    {
        _values[(module, name)] = WasmFunction.FromDelegate(function);
        return this;
    }

    /// <summary>
    /// Adds a host function created per instance: <paramref name="factory"/> runs while the importing instance is
    /// created and receives it, so the delegate can use <see cref="IWasmInstance.Memory"/> when called.
    /// </summary>
    public WasmImports AddFunction(string module, string name, Func<IWasmInstance, Delegate> factory)
    {
        _factories[(module, name)] = factory;
        return this;
    }

    /// <summary>Adds a memory, table, global or function value.</summary>
    public WasmImports Add(string module, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _values[(module, name)] = value;
        return this;
    }

    /// <summary>Makes every export of <paramref name="instance"/> importable under module name <paramref name="module"/>.</summary>
    public WasmImports AddInstance(string module, IWasmInstance instance)
    {
        _instances[module] = instance;
        return this;
    }

    /// <inheritdoc />
    public object? Resolve(string module, string name, ExternKind kind, IWasmInstance importer)
    {
        if (_values.TryGetValue((module, name), out var value))
        {
            return value;
        }

        if (_factories.TryGetValue((module, name), out var factory))
        {
            return WasmFunction.FromDelegate(factory(importer));
        }

        return _instances.TryGetValue(module, out var instance) ? instance.GetExport(name) : null;
    }
}
