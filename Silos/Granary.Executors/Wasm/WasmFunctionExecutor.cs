using System.Collections.Concurrent;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Wasm;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Wasm;

/// <summary>
/// Runs RUST_WASM functions: plain wasm32 core modules following the EDGELESS ABI (host functions in module
/// <c>env</c>, see <see cref="WasmAbi"/>), whatever language they were written in. <c>code</c> is the path of the
/// .wasm file; it is compiled once per path and last write time and the compiled module is shared by all instances
/// of that code. Each instance runs under the sandbox limits of <see cref="WasmExecutorOptions"/>, overridable per
/// function by <see cref="WasmAnnotations"/>. Host functions that wait (<c>call_asm</c>, <c>call_raw_asm</c>,
/// <c>sync_asm</c>) block the guest, as the ABI is synchronous: an instance whose module imports one of them runs on a
/// dedicated thread, so the wait (bounded by <see cref="WasmExecutorOptions.CallTimeout"/> and the event's time limit)
/// never holds a grain or thread-pool thread; other instances run inline on the node's mailbox loop. A trap (fuel, time, stack or memory exhaustion
/// included) makes the callback throw, so the node marks that instance crashed and reports it; other instances and
/// the silo carry on.
/// </summary>
public sealed partial class WasmFunctionExecutor : IFunctionExecutor, IDisposable
{
    private readonly WasmModuleCache _modules;
    private readonly WasmExecutorOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<WasmFunctionInstance, bool> _running = new();

    /// <summary>Creates the executor on <paramref name="engine"/>.</summary>
    public WasmFunctionExecutor(IWasmEngine engine, IOptions<WasmExecutorOptions> options, ILogger<WasmFunctionExecutor> logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        _modules = new WasmModuleCache(engine);
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>RUST_WASM, the EDGELESS name of the WebAssembly runtime.</summary>
    public string Kind => FunctionTypes.RustWasm;

    /// <summary>False: this executor runs functions.</summary>
    public bool IsResource => false;

    /// <summary>
    /// Compiles the code (or takes it from the cache), instantiates it with the host functions and the function's
    /// limits, and checks its ABI exports. Fails naming the component when the file is missing, the module is invalid
    /// or does not follow the ABI, an annotation is malformed, or the module's start function traps.
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
        IWasmModule module;
        try
        {
            module = await _modules.GetAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WasmCompileException or InvalidOperationException or IOException)
        {
            throw new InvalidOperationException($"Function {deployment.Name}: cannot load {path}: {ex.Message}", ex);
        }

        var instance = await WasmFunctionInstance.StartAsync(module, deployment.Name, context, limits, _options, _logger, i => _running.TryRemove(i, out _)).ConfigureAwait(false);
        _running[instance] = true;
        LogCreated(_logger, deployment.Name, context.Self, limits.MaxMemoryPages, limits.MaxEventTime?.TotalMilliseconds, limits.FuelPerEvent);
        return instance;
    }

    /// <summary>Releases the threads of instances still running (the silo is going away).</summary>
    public void Dispose()
    {
        foreach (var instance in _running.Keys)
        {
            instance.End();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebAssembly function {Component} instance {Instance}: {Pages} pages, {EventMs} ms per event, fuel {Fuel}")]
    private static partial void LogCreated(ILogger logger, string component, Grains.Identity.InstanceId instance, uint pages, double? eventMs, long? fuel);
}
