namespace Granary.Wasm.Tests;

/// <summary>Sandbox limits: hostile modules stop at their limits and leave the process and other instances working.</summary>
public sealed class HostileModuleTests
{
    private const string Module = """
        (module
          (memory 1)
          (func (export "spin") (loop $l (br $l)))
          (func $recurse (export "recurse") (param i32) (result i32)
            (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "size") (result i32) (memory.size))
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
        """;

    private static readonly IWasmModule Compiled = Wat.Compile(Module);

    /// <summary>A broken limit must fail the test, not hang the run.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Infinite_loop_stops_when_fuel_runs_out_and_instance_stays_usable()
    {
        var hostile = Compiled.Instantiate(new WasmImports(), new WasmInstanceLimits { Fuel = 1_000_000 });
        var other = Compiled.Instantiate(new WasmImports());

        var trap = await Assert.ThrowsAsync<WasmTrapException>(() => Task.Run(hostile.GetFunction<Action>("spin")).WaitAsync(Guard));

        Assert.Equal(WasmTrapKind.FuelExhausted, trap.Kind);
        Assert.Equal("fuel exhausted", trap.Message);
        Assert.Equal(0, hostile.FuelRemaining);
        hostile.AddFuel(100);
        Assert.Equal(5, hostile.GetFunction<Func<int, int, int>>("add")(2, 3));
        Assert.Equal(7, other.GetFunction<Func<int, int, int>>("add")(3, 4));
    }

    [Fact]
    public async Task Infinite_loop_stops_at_the_call_timeout_and_instance_stays_usable()
    {
        var hostile = Compiled.Instantiate(new WasmImports(), new WasmInstanceLimits { CallTimeout = TimeSpan.FromMilliseconds(200) });
        var other = Compiled.Instantiate(new WasmImports());
        var spin = hostile.GetFunction<Action>("spin");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var trap = await Assert.ThrowsAsync<WasmTrapException>(() => Task.Run(spin).WaitAsync(Guard));

        Assert.Equal(WasmTrapKind.DeadlineExceeded, trap.Kind);
        Assert.Equal("deadline exceeded", trap.Message);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(10));
        Assert.Equal(3, hostile.GetFunction<Func<int, int, int>>("add")(1, 2));
        Assert.Equal(4, other.GetFunction<Func<int, int, int>>("add")(2, 2));
        await Assert.ThrowsAsync<WasmTrapException>(() => Task.Run(spin).WaitAsync(Guard));
    }

    [Fact]
    public async Task Call_timeout_applies_per_call_not_per_instance()
    {
        var instance = Compiled.Instantiate(new WasmImports(), new WasmInstanceLimits { CallTimeout = TimeSpan.FromMilliseconds(100) });
        var add = instance.GetFunction<Func<int, int, int>>("add");

        add(1, 1);
        await Task.Delay(300);

        Assert.Equal(2, add(1, 1));
    }

    [Fact]
    public async Task Many_short_calls_in_a_row_outlasting_the_timeout_together_are_never_interrupted()
    {
        var instance = Compiled.Instantiate(new WasmImports(), new WasmInstanceLimits { CallTimeout = TimeSpan.FromMilliseconds(100) });
        var add = instance.GetFunction<Func<int, int, int>>("add");

        // Each call is short; together they run well past the timeout, which must not count across calls.
        var calls = await Task.Run(() =>
        {
            var until = DateTime.UtcNow.AddMilliseconds(600);
            var n = 0;
            do
            {
                Assert.Equal(n + 1, add(n, 1));
                n++;
            }
            while (DateTime.UtcNow < until || n < 1000);

            return n;
        }).WaitAsync(Guard);

        Assert.True(calls >= 1000);
    }

    [Fact]
    public async Task Infinite_loop_stops_at_the_call_timeout_after_the_instance_was_idle_for_a_long_time()
    {
        var hostile = Compiled.Instantiate(new WasmImports(), new WasmInstanceLimits { CallTimeout = TimeSpan.FromMilliseconds(100) });
        Assert.Equal(2, hostile.GetFunction<Func<int, int, int>>("add")(1, 1));

        // Long enough for the watchdog to stop tracking the idle instance; the next call must be timed again.
        await Task.Delay(1500);
        var trap = await Assert.ThrowsAsync<WasmTrapException>(() => Task.Run(hostile.GetFunction<Action>("spin")).WaitAsync(Guard));

        Assert.Equal(WasmTrapKind.DeadlineExceeded, trap.Kind);
    }

    [Fact]
    public void Memory_grow_past_the_limit_returns_minus_one_and_keeps_the_memory()
    {
        var instance = Compiled.Instantiate(new WasmImports(), new WasmInstanceLimits { MaxMemoryPages = 4 });
        var grow = instance.GetFunction<Func<int, int>>("grow");
        var size = instance.GetFunction<Func<int>>("size");
        instance.GetFunction<Action<int, int>>("store")(100, 42);

        Assert.Equal(1, grow(3));
        Assert.Equal(-1, grow(1));
        Assert.Equal(-1, grow(100_000));
        Assert.Equal(4, size());
        Assert.Equal(42, instance.GetFunction<Func<int, int>>("load")(100));
        Assert.Equal(4 * WasmMemory.PageSize, instance.Memory!.Length);
    }

    [Fact]
    public void Module_needing_more_memory_than_the_limit_fails_to_instantiate()
    {
        var big = Wat.Compile("(module (memory 10))");

        Assert.Throws<WasmLinkException>(() => big.Instantiate(new WasmImports(), new WasmInstanceLimits { MaxMemoryPages = 5 }));
    }

    [Fact]
    public void Unbounded_recursion_traps_with_call_stack_exhausted_and_instance_recovers()
    {
        var instance = Compiled.Instantiate(new WasmImports());
        var other = Compiled.Instantiate(new WasmImports());

        for (var i = 0; i < 3; i++)
        {
            var trap = Assert.Throws<WasmTrapException>(() => instance.GetFunction<Func<int, int>>("recurse")(0));
            Assert.Equal("call stack exhausted", trap.Message);
        }

        Assert.Equal(9, instance.GetFunction<Func<int, int, int>>("add")(4, 5));
        Assert.Equal(11, other.GetFunction<Func<int, int, int>>("add")(5, 6));
    }

    [Fact]
    public void Unbounded_recursion_on_a_small_thread_stack_traps_instead_of_crashing()
    {
        var instance = Compiled.Instantiate(new WasmImports(), new WasmInstanceLimits { MaxCallDepth = 1_000_000 });
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                instance.GetFunction<Func<int, int>>("recurse")(0);
            }
            catch (Exception e)
            {
                caught = e;
            }
        }, 256 * 1024);
        thread.Start();
        thread.Join();

        var trap = Assert.IsType<WasmTrapException>(caught);
        Assert.Equal(WasmTrapKind.CallStackExhausted, trap.Kind);
        Assert.Equal(2, instance.GetFunction<Func<int, int, int>>("add")(1, 1));
    }

    [Fact]
    public void Recursion_with_large_frames_on_a_small_thread_stack_traps()
    {
        var locals = string.Join(" ", Enumerable.Repeat("i64", 400));
        var module = Wat.Compile($"""
            (module (func $r (export "r") (param i32) (result i32) (local {locals})
              (local.set 5 (i64.extend_i32_u (local.get 0)))
              (i32.add (call $r (i32.add (local.get 0) (i32.const 1))) (i32.wrap_i64 (local.get 5)))))
            """);
        var instance = module.Instantiate(new WasmImports(), new WasmInstanceLimits { MaxCallDepth = 1_000_000 });

        var caught = RunOnSmallStack(() => instance.GetFunction<Func<int, int>>("r")(0));

        Assert.Equal(WasmTrapKind.CallStackExhausted, Assert.IsType<WasmTrapException>(caught).Kind);
    }

    [Fact]
    public void Mutual_recursion_across_instances_on_a_small_thread_stack_traps()
    {
        var engine = new WasmEngine();
        var limits = new WasmInstanceLimits { MaxCallDepth = 1_000_000 };
        var a = engine.Compile(Wat.ToWasm("""
            (module (import "b" "g" (func $g (param i32) (result i32)))
              (func (export "f") (param i32) (result i32) (i32.add (call $g (local.get 0)) (i32.const 1))))
            """));
        var b = engine.Compile(Wat.ToWasm("""
            (module (import "a" "f" (func $f (param i32) (result i32)))
              (func (export "g") (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1))))
            """));
        var imports = new LateBinding();
        var ia = a.Instantiate(imports, limits);
        imports.Target = b.Instantiate(new WasmImports().AddInstance("a", ia), limits);

        var caught = RunOnSmallStack(() => ia.GetFunction<Func<int, int>>("f")(0));

        Assert.Equal(WasmTrapKind.CallStackExhausted, Assert.IsType<WasmTrapException>(caught).Kind);
    }

    private static Exception? RunOnSmallStack(Action action)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                caught = e;
            }
        }, 256 * 1024);
        thread.Start();
        thread.Join();
        return caught;
    }

    /// <summary>Resolves module "b" lazily, so two instances can import each other.</summary>
    private sealed class LateBinding : IWasmImports
    {
        public IWasmInstance? Target { get; set; }

        public object? Resolve(string module, string name, ExternKind kind, IWasmInstance importer) =>
            WasmFunction.FromDelegate(new Func<int, int>(x => ((WasmFunction)Target!.GetExport(name)!).ToDelegate<Func<int, int>>()(x)));
    }

    [Fact]
    public void Traps_in_an_imported_instance_do_not_leak_its_call_depth()
    {
        var engine = new WasmEngine();
        var limits = new WasmInstanceLimits { MaxCallDepth = 50 };
        var callee = engine.Compile(Wat.ToWasm("""
            (module (func $down (export "down") (param i32)
              (if (i32.eqz (local.get 0)) (then unreachable))
              (call $down (i32.sub (local.get 0) (i32.const 1)))))
            """)).Instantiate(new WasmImports(), limits);
        var caller = engine.Compile(Wat.ToWasm("""
            (module (import "callee" "down" (func $down (param i32)))
              (table 1 funcref) (elem (i32.const 0) $down)
              (func (export "direct") (call $down (i32.const 10)))
              (func (export "indirect") (call_indirect (param i32) (i32.const 10) (i32.const 0))))
            """)).Instantiate(new WasmImports().AddInstance("callee", callee), limits);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("unreachable", Assert.Throws<WasmTrapException>(() => caller.GetFunction<Action>("direct")()).Message);
            Assert.Equal("unreachable", Assert.Throws<WasmTrapException>(() => caller.GetFunction<Action>("indirect")()).Message);
        }

        Assert.Equal("unreachable", Assert.Throws<WasmTrapException>(() => callee.GetFunction<Action<int>>("down")(40)).Message);
    }
}
