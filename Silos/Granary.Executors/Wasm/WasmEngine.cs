using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Granary.Executors.Wasm;

/// <summary>
/// The node's one Wasmtime engine: Cranelift optimizing for speed, WebAssembly stack bounded by
/// <see cref="WasmExecutorOptions.MaxWasmStackBytes"/>, and the pooling allocator with
/// <see cref="WasmExecutorOptions.MaxInstances"/> slots (address space reserved once; a released instance's memory is
/// zeroed in place rather than unmapped, which makes starting an instance some ten times faster). It holds the one
/// <see cref="Linker"/> defining the EDGELESS host functions (module <c>env</c>) and WASI preview 1, and the compiled
/// modules, cached by the SHA-256 of their bytes: the same code is compiled once whatever its path, and a rewritten
/// file is compiled again.
/// </summary>
/// <remarks>
/// Every module is compiled with the node's clock checks (<see cref="WasmClockChecks"/>), and a ticker thread counts
/// ticks of <see cref="WasmExecutorOptions.TickInterval"/> and clears the clock of every live instance whose deadline has
/// come (<see cref="StartClock"/>): the guest then stops itself at its next check. Wasmtime's own way, epoch interruption,
/// calls a builtin on the cold path of its check at every loop header, which makes the register allocator keep
/// floating-point values that live across a loop in stack slots for the whole loop (3.5 times slower on the
/// <c>matmul200</c> benchmark kernel); the clock check traps instead. Measurements: README.md in this folder.
/// </remarks>
public sealed class WasmEngine : IDisposable
{
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
    private readonly HashSet<WasmClock> _clocks = [];
    private readonly Lock _clocksLock = new();
    private long _compilations;
    private long _ticks;

    /// <summary>Creates the engine with the default options.</summary>
    public WasmEngine()
        : this(Options.Create(new WasmExecutorOptions()))
    {
    }

    /// <summary>Creates the engine with the node's options and starts its ticker.</summary>
    public WasmEngine(IOptions<WasmExecutorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Wasmtime and the instances' clocks need a little-endian host.");
        }

        var o = options.Value;
        if (o.TickInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"WasmExecutorOptions.TickInterval must be positive; found {o.TickInterval}.", nameof(options));
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

        TickInterval = o.TickInterval;
        MaxWasmStackBytes = o.MaxWasmStackBytes;
        MaxInstances = o.MaxInstances;
        // Each function instance may have two core instances in its store (the guest and its event adapter) and two
        // memories (the guest's and its clock).
        using var pool = new PoolingAllocationConfig()
            .WithMaxCoreInstances(checked(2 * o.MaxInstances))
            .WithMaxMemories(checked(2 * o.MaxInstances))
            .WithMaxTables(o.MaxInstances)
            .WithMaxMemoriesPerModule(2)
            .WithMaxTablesPerModule(1)
            .WithMaxMemorySize(MaxMemorySlotBytes())
            .WithMaxTableElements(WasmExecutorOptions.TableElementsCeiling)
            .WithLinearMemoryKeepResidentBytes(KeepResidentBytes)
            .WithTableKeepResidentBytes(64 * 1024)
            .WithMaxUnusedWarmSlots(o.MaxInstances);
        _config = new Config()
            .WithCompilerStrategy(CompilerStrategy.Cranelift)
            .WithOptimizationLevel(OptimizationLevel.Speed)
            .WithWasmThreads(true) // the clock check's atomic load
            .WithMultiMemory(true) // the clock
            .WithMaximumStackSize(o.MaxWasmStackBytes)
            .WithPoolingAllocationStrategy(pool);
        Engine = new Engine(_config);
        Linker = new Linker(Engine);
        WasmFunctionInstance.DefineHostFunctions(Linker);
        Linker.DefineWasi();
        _eventAdapter = new Lazy<Module>(() => WasmEventAdapter.Compile(Engine));
        _ticker = new Thread(Tick) { IsBackground = true, Name = "wasm clock ticker" };
        _ticker.Start();
    }

    /// <summary>The Wasmtime engine every module and store of the node is created on.</summary>
    public Engine Engine { get; }

    /// <summary>The time one tick stands for.</summary>
    public TimeSpan TickInterval { get; }

    /// <summary>The most native stack WebAssembly code may use.</summary>
    public int MaxWasmStackBytes { get; }

    /// <summary>The most instances the engine's pool has room for at once.</summary>
    public uint MaxInstances { get; }

    /// <summary>The ticks so far.</summary>
    public long Ticks => Volatile.Read(ref _ticks);

    /// <summary>How many modules were compiled (cache misses) since the engine started.</summary>
    public long Compilations => Interlocked.Read(ref _compilations);

    /// <summary>The host functions and WASI, shared by every instance.</summary>
    internal Linker Linker { get; }

    /// <summary>The compiled <see cref="WasmEventAdapter"/>, shared by every instance (compiled on first use).</summary>
    internal Module EventAdapter => _eventAdapter.Value;

    /// <summary>Ticks covering <paramref name="time"/>, plus one since the current tick may be about to end.</summary>
    public ulong TicksFor(TimeSpan time) => (ulong)Math.Ceiling(time / TickInterval) + 1;

    /// <summary>
    /// Compiles <paramref name="wasm"/> with the node's clock checks, as every function module is compiled, for code that
    /// runs modules outside a function instance (benchmarks, tests). Its instances trap at their first check until
    /// <see cref="StartClock"/> has given them a clock with a deadline; a start function is not run at instantiation
    /// but exported as <c>granary:start</c>.
    /// </summary>
    public Module Compile(string name, ReadOnlySpan<byte> wasm) => Module.FromBytes(Engine, name, WasmClockChecks.Instrument(wasm).Module);

    /// <summary>
    /// Starts the clock of <paramref name="instance"/> (of a module compiled by this engine): from now on the ticker
    /// watches its deadline, which is the past until <see cref="WasmClock.SetDeadline"/> is called.
    /// </summary>
    public WasmClock StartClock(Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var memory = instance.GetMemory(WasmClockChecks.ClockExport)
            ?? throw new InvalidOperationException($"the instance has no clock: its module was not compiled by {nameof(WasmEngine)}.{nameof(Compile)}");
        var clock = new WasmClock(this, memory);
        lock (_clocksLock)
        {
            _clocks.Add(clock);
        }

        return clock;
    }

    /// <summary>Stops watching <paramref name="clock"/>; once this returns, the ticker does not touch its memory again.</summary>
    internal void StopClock(WasmClock clock)
    {
        lock (_clocksLock)
        {
            _clocks.Remove(clock);
        }
    }

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

    /// <summary>Stops the ticker and releases the engine, its linker and the compiled modules.</summary>
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
        WasmClockChecks.Result checks;
        try
        {
            checks = WasmClockChecks.Instrument(bytes);
        }
        catch (FormatException ex)
        {
            // A module the engine refuses as it is gets the engine's reason.
            FromBytes(path, bytes).Dispose();
            throw new InvalidOperationException($"{path} could not be given the node's time limit checks: {ex.Message}", ex);
        }

        var module = FromBytes(path, checks.Module);
        try
        {
            return WasmCompiledModule.Check(module, path, checks.HasStart);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private Module FromBytes(string path, byte[] wasm)
    {
        try
        {
            return Module.FromBytes(Engine, Path.GetFileName(path), wasm);
        }
        catch (WasmtimeException ex)
        {
            // Wasmtime's message spans lines ("... Caused by: ..."): one line reads better in a deployment error.
            var reason = string.Join("; ", ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l != "Caused by:"));
            throw new InvalidOperationException($"{path} was refused by the WebAssembly engine: {reason}", ex);
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
        while (!_stopping.Wait(TickInterval))
        {
            var now = (ulong)Interlocked.Increment(ref _ticks);
            lock (_clocksLock)
            {
                foreach (var clock in _clocks)
                {
                    clock.Tick(now);
                }
            }
        }
    }
}
