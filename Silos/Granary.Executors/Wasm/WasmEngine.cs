using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Granary.Executors.Wasm;

/// <summary>
/// The node's one Wasmtime engine: Cranelift optimizing for speed, epoch interruption on (a background thread
/// advances the epoch every <see cref="WasmExecutorOptions.EpochInterval"/>, so a store's epoch deadline is a wall-time
/// limit), WebAssembly stack bounded by <see cref="WasmExecutorOptions.MaxWasmStackBytes"/>, and the pooling allocator
/// with <see cref="WasmExecutorOptions.MaxInstances"/> slots (address space reserved once; a released instance's
/// memory is zeroed in place rather than unmapped, which makes starting an instance some ten times faster). It holds the one
/// <see cref="Linker"/> defining the EDGELESS host functions (module <c>env</c>) and WASI preview 1, and the compiled
/// modules, cached by the SHA-256 of their bytes: the same code is compiled once whatever its path, and a rewritten
/// file is compiled again. Stores created on <see cref="Engine"/> must set an epoch deadline before running code.
/// </summary>
/// <remarks>
/// Epoch interruption is the only way Wasmtime can stop a guest by wall time, and it has a price: the check Cranelift
/// puts at every loop header calls a builtin on its cold path, which makes the register allocator keep floating-point
/// values that live across a loop in stack slots for the whole loop (about 3.5 times slower on the <c>matmul200</c>
/// benchmark kernel, 10-50 % on the others). No setting of Wasmtime 50 avoids it; fuel costs the same. Measurements and
/// the disassembly: README.md in this folder.
/// </remarks>
public sealed class WasmEngine : IDisposable
{
    /// <summary>A deadline far enough ahead to mean "none" (the engine adds it to the current epoch, saturating).</summary>
    public const ulong NoDeadline = 1UL << 62;

    /// <summary>
    /// Memory zeroed in place when an instance is released, instead of given back to the system: at most this much
    /// stays resident per slot used, 128 MiB for 1,000 slots.
    /// </summary>
    private const int KeepResidentBytes = 128 * 1024;

    private readonly ConcurrentDictionary<string, Lazy<Task<WasmCompiledModule>>> _modules = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FileKey> _files = new(StringComparer.Ordinal);
    private readonly Config _config;
    private readonly Lazy<Module> _eventAdapter;
    private readonly Thread _ticker;
    private readonly ManualResetEventSlim _stopping = new();
    private long _compilations;
    private long _epoch;

    /// <summary>Creates the engine with the default options.</summary>
    public WasmEngine()
        : this(Options.Create(new WasmExecutorOptions()))
    {
    }

    /// <summary>Creates the engine with the node's options and starts its epoch ticker.</summary>
    public WasmEngine(IOptions<WasmExecutorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        if (o.EpochInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"WasmExecutorOptions.EpochInterval must be positive; found {o.EpochInterval}.", nameof(options));
        }

        if (o.MaxWasmStackBytes < 64 * 1024)
        {
            throw new ArgumentException($"WasmExecutorOptions.MaxWasmStackBytes must be at least 64 KiB; found {o.MaxWasmStackBytes}.", nameof(options));
        }

        if (o.MaxInstances == 0 || o.MaxTableElements > WasmExecutorOptions.TableElementsCeiling)
        {
            throw new ArgumentException(
                $"WasmExecutorOptions.MaxInstances must be positive and MaxTableElements at most {WasmExecutorOptions.TableElementsCeiling}; found {o.MaxInstances} and {o.MaxTableElements}.",
                nameof(options));
        }

        EpochInterval = o.EpochInterval;
        MaxWasmStackBytes = o.MaxWasmStackBytes;
        // Each function instance may have two core instances in its store: the guest and its event adapter.
        using var pool = new PoolingAllocationConfig()
            .WithMaxCoreInstances(checked(2 * o.MaxInstances))
            .WithMaxMemories(o.MaxInstances)
            .WithMaxTables(o.MaxInstances)
            .WithMaxMemoriesPerModule(1)
            .WithMaxTablesPerModule(1)
            .WithMaxMemorySize(MaxMemorySlotBytes())
            .WithMaxTableElements(WasmExecutorOptions.TableElementsCeiling)
            .WithLinearMemoryKeepResidentBytes(KeepResidentBytes)
            .WithTableKeepResidentBytes(64 * 1024)
            .WithMaxUnusedWarmSlots(o.MaxInstances);
        _config = new Config()
            .WithCompilerStrategy(CompilerStrategy.Cranelift)
            .WithOptimizationLevel(OptimizationLevel.Speed)
            .WithEpochInterruption(true)
            .WithMaximumStackSize(o.MaxWasmStackBytes)
            .WithPoolingAllocationStrategy(pool);
        Engine = new Engine(_config);
        Linker = new Linker(Engine);
        WasmFunctionInstance.DefineHostFunctions(Linker);
        Linker.DefineWasi();
        _eventAdapter = new Lazy<Module>(() => WasmEventAdapter.Compile(Engine));
        _ticker = new Thread(Tick) { IsBackground = true, Name = "wasm epoch ticker" };
        _ticker.Start();
    }

    /// <summary>The Wasmtime engine every module and store of the node is created on.</summary>
    public Engine Engine { get; }

    /// <summary>The time one epoch tick stands for.</summary>
    public TimeSpan EpochInterval { get; }

    /// <summary>The most native stack WebAssembly code may use.</summary>
    public int MaxWasmStackBytes { get; }

    /// <summary>The epoch ticks so far, as the ticker counts them (right after the engine's own increment).</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>How many modules were compiled (cache misses) since the engine started.</summary>
    public long Compilations => Interlocked.Read(ref _compilations);

    /// <summary>The host functions and WASI, shared by every instance.</summary>
    internal Linker Linker { get; }

    /// <summary>The compiled <see cref="WasmEventAdapter"/>, shared by every instance (compiled on first use).</summary>
    internal Module EventAdapter => _eventAdapter.Value;

    /// <summary>Epoch ticks covering <paramref name="time"/>, plus one since the current tick may be about to end.</summary>
    public ulong TicksFor(TimeSpan time) => (ulong)Math.Ceiling(time / EpochInterval) + 1;

    /// <summary>
    /// The module in the file at <paramref name="path"/>, compiled on a pool thread the first time these bytes are
    /// seen and checked against the ABI. Fails with <see cref="InvalidOperationException"/> naming what is wrong when the
    /// bytes are not a valid module or do not follow the ABI; failures are not cached.
    /// </summary>
    internal async Task<WasmCompiledModule> GetModuleAsync(string path, CancellationToken cancellationToken)
    {
        // A file whose size and write time are those it had when last hashed is not read and hashed again.
        var file = new FileInfo(path);
        var seen = new FileKey(file.Length, file.LastWriteTimeUtc, string.Empty);
        string key;
        byte[]? bytes = null;
        if (_files.TryGetValue(path, out var known) && known with { Hash = string.Empty } == seen && _modules.ContainsKey(known.Hash))
        {
            key = known.Hash;
        }
        else
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            key = Convert.ToHexString(SHA256.HashData(bytes));
            _files[path] = seen with { Hash = key };
        }

        while (true)
        {
            var entry = _modules.GetOrAdd(key, _ => new Lazy<Task<WasmCompiledModule>>(() => Task.Run(() => Compile(path, bytes ?? File.ReadAllBytes(path)), CancellationToken.None)));
            try
            {
                return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _modules.TryRemove(new KeyValuePair<string, Lazy<Task<WasmCompiledModule>>>(key, entry));
                throw;
            }
        }
    }

    /// <summary>Stops the epoch ticker and releases the engine, its linker and the compiled modules.</summary>
    public void Dispose()
    {
        if (_stopping.IsSet)
        {
            return;
        }

        _stopping.Set();
        _ticker.Join();
        foreach (var entry in _modules.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
            {
                entry.Value.Result.Module.Dispose();
            }
        }

        _modules.Clear();
        if (_eventAdapter.IsValueCreated)
        {
            _eventAdapter.Value.Dispose();
        }

        Linker.Dispose();
        Engine.Dispose();
        _config.Dispose();
        _stopping.Dispose();
    }

    private WasmCompiledModule Compile(string path, byte[] bytes)
    {
        Interlocked.Increment(ref _compilations);
        Module module;
        try
        {
            module = Module.FromBytes(Engine, Path.GetFileName(path), bytes);
        }
        catch (WasmtimeException ex)
        {
            // Wasmtime's message spans lines ("... Caused by: ..."): one line reads better in a deployment error.
            var reason = string.Join("; ", ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l != "Caused by:"));
            throw new InvalidOperationException($"{path} was refused by the WebAssembly engine: {reason}", ex);
        }

        try
        {
            return WasmCompiledModule.Check(module, path);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>The largest memory an annotation may ask for (65536 pages), or what a 32-bit process can address.</summary>
    private static nuint MaxMemorySlotBytes()
    {
        var bytes = 65536UL * Memory.PageSize;
        return Environment.Is64BitProcess ? (nuint)bytes : 1u << 30;
    }

    private sealed record FileKey(long Length, DateTime Written, string Hash);

    private void Tick()
    {
        while (!_stopping.Wait(EpochInterval))
        {
            Engine.IncrementEpoch();
            Interlocked.Increment(ref _epoch);
        }
    }
}
