using System.Collections.Concurrent;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Wasm;

/// <summary>
/// Runs RUST_WASM functions on Wasmtime: plain wasm32 core modules following the EDGELESS ABI (host functions in
/// module <c>env</c>, see <see cref="WasmAbi"/>), whatever language they were written in; a module that imports WASI
/// preview 1 gets a WASI context without files, network or environment, its stdout and stderr going to the instance's
/// log. <c>code</c> is the path of the .wasm file; the node's <see cref="WasmEngine"/> compiles each distinct content
/// once and every instance of it shares the compiled module. Each instance has a store of its own, limited as
/// <see cref="WasmExecutorOptions"/> says (memory, tables, wall time per event), overridable per function by
/// <see cref="WasmAnnotations"/>. Host functions that wait (<c>call_asm</c>, <c>call_raw_asm</c>, <c>sync_asm</c>)
/// block the guest, as the ABI is synchronous: an instance whose module imports one of them runs on a dedicated
/// thread, so the wait (bounded by <see cref="WasmExecutorOptions.CallTimeout"/> and the event's time limit) never
/// holds a grain or thread-pool thread; other instances run inline on the node's mailbox loop. A trap (time, stack or
/// memory exhaustion included) makes the callback throw, so the node marks that instance crashed and reports it with
/// the reason; other instances and the silo carry on.
/// </summary>
public sealed partial class WasmFunctionExecutor : IFunctionExecutor, IDisposable
{
    private readonly WasmEngine _engine;
    private readonly WasmExecutorOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<WasmFunctionInstance, bool> _running = new();

    /// <summary>Creates the executor on the node's <paramref name="engine"/>.</summary>
    public WasmFunctionExecutor(WasmEngine engine, IOptions<WasmExecutorOptions> options, ILogger<WasmFunctionExecutor> logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        _engine = engine;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>RUST_WASM, the EDGELESS name of the WebAssembly runtime.</summary>
    public string Kind => FunctionTypes.RustWasm;

    /// <summary>False: this executor runs functions.</summary>
    public bool IsResource => false;

    /// <summary>
    /// Compiles the code (or takes it from the cache) and checks it against the ABI, then instantiates it in a new
    /// store with the function's limits. Fails naming the component when the file is missing, the module is invalid,
    /// does not follow the ABI (a missing or mistyped export, an unknown or mistyped import), an annotation is
    /// malformed or retired, or instantiation fails (initial memory or table over the limit, a start function that
    /// traps).
    /// </summary>
    public async Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(context);
        var function = deployment.Function ?? throw new ArgumentException($"{deployment.Name} is not a function.", nameof(deployment));
        var path = Path.GetFullPath(function.ClassSpecification.Code);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Function {deployment.Name}: WebAssembly module '{function.ClassSpecification.Code}' not found.", path);
        }

        var limits = WasmSandboxLimits.Resolve(_options, function.Annotations, deployment.Name);
        WasmCompiledModule module;
        try
        {
            module = await _engine.GetModuleAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            throw new InvalidOperationException($"Function {deployment.Name}: cannot load {path}: {ex.Message}", ex);
        }

        var instance = await WasmFunctionInstance.StartAsync(module, deployment.Name, context, limits, _engine, _options, _logger, i => _running.TryRemove(i, out _)).ConfigureAwait(false);
        _running[instance] = true;
        LogCreated(_logger, deployment.Name, context.Self, limits.MaxMemoryPages, limits.MaxTableElements, limits.MaxEventTime?.TotalMilliseconds);
        return instance;
    }

    /// <summary>Ends the instances still running (the silo is going away): their stores and threads are released.</summary>
    public void Dispose()
    {
        foreach (var instance in _running.Keys)
        {
            instance.End();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebAssembly function {Component} instance {Instance}: {Pages} pages, {TableElements} table elements, {EventMs} ms per event")]
    private static partial void LogCreated(ILogger logger, string component, Grains.Identity.InstanceId instance, uint pages, uint tableElements, double? eventMs);
}
