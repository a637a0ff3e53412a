using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Granary.Executors.Wasm;
using Wasmtime;

namespace Granary.Benchmarks.Suites;

/// <summary>
/// The <c>wasm</c> suite: C kernels compiled with clang to freestanding wasm32, run by Wasmtime configured as a node
/// configures it (<see cref="WasmEngine"/>: Cranelift for speed, the clock checks of the time limit) and by Node/V8 on the same .wasm
/// in the same run (Node is the baseline), plus host-to-wasm call cost and the time to instantiate an already
/// compiled small module in a new store with a node's limits. <c>--kernels DIR</c> adds every <c>DIR/*.c</c>
/// (exporting <c>int run(void)</c>) as <c>kernel_NAME_ms</c>, each run in a fresh instance on both sides, so a kernel
/// that keeps global state gives the same result every run.
/// </summary>
public sealed class WasmSuite : IBenchmarkSuite
{
    private const string Node = "/usr/bin/node";
    private const string Clang = "clang-14";

    private static readonly (string File, string Metric)[] Kernels =
    [
        ("fib.c", "fib30_ms"),
        ("matmul.c", "matmul200_ms"),
        ("sieve.c", "sieve1e6_ms"),
        ("coremark.c", "coremark_ms"),
    ];

    /// <inheritdoc />
    public string Name => "wasm";

    /// <inheritdoc />
    public async Task RunAsync(string[] args, BenchReport report, CancellationToken cancellationToken)
    {
        var kernelDir = LocateKernels();
        var runner = Path.Combine(kernelDir, "runner.mjs");
        var work = Directory.CreateTempSubdirectory("granary-wasm-bench-").FullName;
        using var engine = new WasmEngine();
        try
        {
            foreach (var (file, metric) in Kernels)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await RunKernelAsync(engine, report, Path.Combine(kernelDir, file), metric, work, runner, fresh: false, cancellationToken);
            }

            await MeasureCallAsync(engine, report, work, runner, cancellationToken);
            await MeasureInstantiateAsync(engine, report, work, runner, cancellationToken);

            var extra = args.SkipWhile(a => a != "--kernels").Skip(1).FirstOrDefault();
            if (extra is not null)
            {
                foreach (var c in Directory.GetFiles(extra, "*.c").Order(StringComparer.Ordinal))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await RunKernelAsync(engine, report, c, $"kernel_{Path.GetFileNameWithoutExtension(c)}_ms", work, runner, fresh: true, cancellationToken);
                }
            }
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    private static async Task RunKernelAsync(WasmEngine engine, BenchReport report, string source, string metric, string work, string runner, bool fresh, CancellationToken ct)
    {
        var wasm = Path.Combine(work, Path.GetFileNameWithoutExtension(source) + ".wasm");
        await RunAsync(Clang, ["--target=wasm32", "-O2", "-ffreestanding", "-nostdlib", "-Wl,--no-entry", "-Wl,--export=run", "-o", wasm, source], ct);

        var bytes = await File.ReadAllBytesAsync(wasm, ct);
        using var module = engine.Compile(metric, bytes);
        using var kept = new Kernel(engine, module);
        var freshKernels = new List<Kernel>();

        // A fresh instance per run (its instantiation not timed) for kernels that may keep state between runs.
        Func<int> Next()
        {
            if (!fresh)
            {
                return kept.Run;
            }

            var kernel = new Kernel(engine, module);
            freshKernels.Add(kernel);
            return kernel.Run;
        }

        try
        {
            var result = Next()();
            var next = Next();
            var first = Stopwatch.StartNew();
            next();
            var once = first.Elapsed.TotalMilliseconds;

            // Rounds alternate between Wasmtime and Node so that load from other processes on the machine hits both.
            const int rounds = 5;
            var perRound = (int)Math.Clamp(1000 / Math.Max(once, 0.01), 3, 15);
            var samples = new List<double>();
            var nodeSamples = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < perRound; i++)
                {
                    var run = Next();
                    var sw = Stopwatch.StartNew();
                    var r = run();
                    samples.Add(sw.Elapsed.TotalMilliseconds);
                    if (r != result)
                    {
                        throw new InvalidOperationException($"{metric}: run() returned {result}, then {r}");
                    }
                }

                using var node = JsonDocument.Parse(await RunAsync(Node, [runner, wasm, perRound.ToString(CultureInfo.InvariantCulture), .. fresh ? ["--fresh"] : Array.Empty<string>()], ct));
                nodeSamples.AddRange(node.RootElement.GetProperty("samples_ms").EnumerateArray().Select(e => e.GetDouble()));
                var nodeResult = node.RootElement.GetProperty("result").GetInt32();
                if (nodeResult != result)
                {
                    throw new InvalidOperationException($"{metric}: Wasmtime computed {result}, Node computed {nodeResult}");
                }
            }

            var median = Stats.Median(samples);
            var nodeMs = Stats.Median(nodeSamples);
            report.Note($"{metric}: wasmtime {median:0.###} ms, node {nodeMs:0.###} ms, ratio {median / nodeMs:0.##} (result {result}, {samples.Count} runs each)");
            report.Lower(metric, median, "ms", nodeMs);
            var plain = WithPlainEngine(bytes, perRound * 2, fresh, epochs: false);
            var epochs = WithPlainEngine(bytes, perRound * 2, fresh, epochs: true);
            report.Note(
                $"{metric}: without a time limit {plain:0.###} ms (ratio {plain / nodeMs:0.##}), so the clock checks cost {median / plain:0.##}x; " +
                $"with Wasmtime's epoch interruption instead {epochs:0.###} ms (ratio {epochs / nodeMs:0.##}, {epochs / plain:0.##}x; why: Silos/Granary.Executors/Wasm/README.md)");
        }
        finally
        {
            foreach (var kernel in freshKernels)
            {
                kernel.Dispose();
            }
        }
    }

    /// <summary>A kernel's instance as a node runs one: a store with a node's limits, and a clock with no deadline.</summary>
    private sealed class Kernel : IDisposable
    {
        private readonly Store _store;
        private readonly WasmClock _clock;

        public Kernel(WasmEngine engine, Module module)
        {
            _store = NewStore(engine);
            var instance = new Instance(_store, module);
            _clock = engine.StartClock(instance);
            _clock.SetDeadline(null);
            Run = RunOf(instance);
        }

        public Func<int> Run { get; }

        public void Dispose()
        {
            _clock.Dispose();
            _store.Dispose();
        }
    }

    /// <summary>
    /// The median time of <c>run()</c> on an engine of Wasmtime's defaults, compiled as it is (no time limit at all) or
    /// with Wasmtime's epoch interruption: notes, not metrics, to show what the node's time limit costs and what
    /// Wasmtime's own would.
    /// </summary>
    private static double WithPlainEngine(byte[] wasm, int runs, bool fresh, bool epochs)
    {
        using var config = new Config().WithCompilerStrategy(CompilerStrategy.Cranelift).WithOptimizationLevel(OptimizationLevel.Speed).WithEpochInterruption(epochs);
        using var engine = new Engine(config);
        using var module = Module.FromBytes(engine, "plain", wasm);
        Store NewPlainStore()
        {
            var store = new Store(engine);
            store.SetEpochDeadline(1UL << 62);
            return store;
        }

        using var kept = NewPlainStore();
        var keptRun = Run(kept, module);
        keptRun();
        var samples = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            using var store = fresh ? NewPlainStore() : null;
            var run = store is null ? keptRun : Run(store, module);
            var sw = Stopwatch.StartNew();
            run();
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }

        return Stats.Median(samples);
    }

    /// <summary>A store with a node's limits (two memories: the guest's and its clock).</summary>
    private static Store NewStore(WasmEngine engine)
    {
        var store = new Store(engine.Engine);
        store.SetLimits(memorySize: 256L * Memory.PageSize, tableElements: 10_000, instances: 1, tables: 1, memories: 2);
        return store;
    }

    private static Func<int> Run(Store store, Module module) => RunOf(new Instance(store, module));

    private static Func<int> RunOf(Instance instance) =>
        instance.GetFunction<int>("run") ?? throw new InvalidOperationException("the kernel does not export int run(void)");

    private static async Task MeasureCallAsync(WasmEngine engine, BenchReport report, string work, string runner, CancellationToken ct)
    {
        const string wat = "(module (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))";
        var wasm = await WatAsync(wat, Path.Combine(work, "add"), ct);
        using var module = engine.Compile("add", await File.ReadAllBytesAsync(wasm, ct));
        using var store = NewStore(engine);
        var instance = new Instance(store, module);
        using var clock = engine.StartClock(instance);
        clock.SetDeadline(null);
        var add = instance.GetFunction<int, int, int>("add")!;
        const int n = 5_000_000;
        var samples = new List<double>();
        var acc = 0;
        for (var r = 0; r < 7; r++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                acc = add(acc, i);
            }

            samples.Add(sw.Elapsed.TotalNanoseconds / n);
        }

        GC.KeepAlive(acc);
        using var node = JsonDocument.Parse(await RunAsync(Node, [runner, "--call", wasm], ct));
        report.Lower("host_to_wasm_call_ns", Stats.Median(samples.Skip(2).ToList()), "ns", node.RootElement.GetProperty("median_ns").GetDouble());
    }

    private static async Task MeasureInstantiateAsync(WasmEngine engine, BenchReport report, string work, string runner, CancellationToken ct)
    {
        // Small but realistic: one memory page with data, a table, globals and a few functions.
        const string wat = """
            (module
              (memory (export "memory") 1)
              (global $sp (mut i32) (i32.const 4096))
              (table 2 funcref) (elem (i32.const 0) $a $b)
              (data (i32.const 16) "granary")
              (func $a (export "a") (param i32) (result i32) (i32.add (local.get 0) (global.get $sp)))
              (func $b (export "b") (param i32) (result i32) (i32.load8_u (local.get 0)))
              (func (export "c") (param i32) (result i32) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 1))))
            """;
        var wasm = await WatAsync(wat, Path.Combine(work, "small"), ct);
        using var module = engine.Compile("small", await File.ReadAllBytesAsync(wasm, ct));
        const int n = 2000;
        var samples = new List<double>();
        for (var r = 0; r < 9; r++)
        {
            // A new store per instance, with a node's limits and a clock with a deadline, released again: an instance's
            // whole life.
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                using var store = NewStore(engine);
                using var clock = engine.StartClock(new Instance(store, module));
                clock.SetDeadline(TimeSpan.FromSeconds(5));
            }

            samples.Add(sw.Elapsed.TotalMicroseconds / n);
        }

        using var node = JsonDocument.Parse(await RunAsync(Node, [runner, "--instantiate", wasm], ct));
        report.Lower("instantiate_small_us", Stats.Median(samples.Skip(2).ToList()), "us", node.RootElement.GetProperty("median_us").GetDouble());
    }

    /// <summary>Writes the binary of <paramref name="wat"/> (for Node too) and returns its path.</summary>
    private static async Task<string> WatAsync(string wat, string basePath, CancellationToken ct)
    {
        await File.WriteAllBytesAsync(basePath + ".wasm", Module.ConvertText(wat), ct);
        return basePath + ".wasm";
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return p.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await stderr}");
    }

    private static string LocateKernels([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "Granary.Benchmarks", "kernels");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        var fromSource = Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "kernels");
        return Directory.Exists(fromSource) ? Path.GetFullPath(fromSource) : throw new DirectoryNotFoundException("bench/Granary.Benchmarks/kernels not found");
    }
}
