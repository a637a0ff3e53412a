using System.Text;
using Granary.Executors.Wasm;
using Granary.Grains.Execution;
using Granary.Grains.Functions;

namespace Granary.Executors.Tests;

/// <summary>
/// Hostile or broken modules (written in WebAssembly text) against the Wasmtime sandbox: each is refused at
/// deployment with a clear reason, or crashes its own instance with one, while a counter instance started before on
/// the same executor keeps serving.
/// </summary>
public sealed class WasmSandboxTests
{
    /// <summary>A module following the ABI with a bump allocator; <paramref name="cast"/> is the body of handle_cast_asm.</summary>
    private static string Abi(string cast = "", string declarations = "", string memory = "(memory (export \"memory\") 1)") => $$"""
        (module
          {{declarations}}
          {{memory}}
          (global $top (mut i32) (i32.const 1024))
          (func (export "edgeless_mem_alloc") (param $len i32) (result i32)
            (local $p i32)
            (local.set $p (global.get $top))
            (global.set $top (i32.add (global.get $top) (i32.and (i32.add (local.get $len) (i32.const 7)) (i32.const -8))))
            (local.get $p))
          (func (export "edgeless_mem_free") (param i32 i32))
          (func (export "edgeless_mem_clear") (global.set $top (i32.const 1024)))
          (func (export "handle_init_asm") (param i32 i32 i32 i32))
          (func (export "handle_cast_asm") (param i32 i32 i32 i32) {{cast}})
          (func (export "handle_call_asm") (param i32 i32 i32 i32 i32 i32) (result i32) (i32.const 0))
          (func (export "handle_stop_asm")))
        """;

    /// <summary>Fibonacci by plain recursion: no loop, 2^n calls.</summary>
    private const string Fib = """
        (func $fib (param i32) (result i32)
          (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
            (then (local.get 0))
            (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
        """;

    [Fact]
    public async Task An_infinite_loop_is_stopped_at_the_time_limit_of_its_event()
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        var spin = await StartAsync(executor, Abi("(loop $l (br $l))"), new() { [WasmAnnotations.MaxEventMs] = "200" });
        var started = Environment.TickCount64;

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => spin.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("failed in handle_cast_asm: deadline exceeded (limit 200 ms per event)", error.Message, StringComparison.Ordinal);
        Assert.InRange(Environment.TickCount64 - started, 180, 5000);
        await AssertServesAsync(neighbour);
    }

    [Theory]
    [InlineData("nested loops that touch no memory", "(loop $outer (loop $inner (br_if $inner (i32.const 1))) (br $outer))", "")]
    [InlineData("a recursion with no loop that would take centuries", "(drop (call $fib (i32.const 90)))", Fib)]
    public async Task Code_that_runs_too_long_without_a_plain_loop_is_stopped_at_the_time_limit_too(string what, string cast, string declarations)
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        var slow = await StartAsync(executor, Abi(cast, declarations), new() { [WasmAnnotations.MaxEventMs] = "200" });

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => slow.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.True(error.Message.Contains("deadline exceeded (limit 200 ms per event)", StringComparison.Ordinal), $"{what}: {error.Message}");
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task A_start_function_runs_before_init_and_within_the_time_limit()
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        var started = await StartAsync(
            executor,
            Abi("(if (i32.eqz (global.get $started)) (then unreachable))", "(global $started (mut i32) (i32.const 0)) (func $start (global.set $started (i32.const 1))) (start $start)"));
        await started.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => StartAsync(
            executor,
            Abi(declarations: "(func $start (loop $l (br $l))) (start $start)"),
            new() { [WasmAnnotations.MaxEventMs] = "200" }));

        Assert.Contains("could not start: deadline exceeded (limit 200 ms per event)", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task A_module_exporting_a_name_the_node_reserves_is_refused_at_deployment()
    {
        var path = WasmModules.FromWat("reserved_export", Abi(declarations: "(func (export \"granary:clock\"))"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WasmTestHost.Executor().CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext()));

        Assert.Contains("could not be given the node's time limit checks: it exports 'granary:clock', a name the node reserves", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_memory_bomb_gets_minus_one_from_memory_grow_at_the_limit_and_its_trap_names_the_limit()
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        // Grows one page at a time until memory.grow fails, then traps.
        var bomb = await StartAsync(executor, Abi("(loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable"), new() { [WasmAnnotations.MaxMemoryPages] = "16" });

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => bomb.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("unreachable executed; its memory is at the limit of 16 pages", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task A_module_whose_initial_memory_exceeds_the_limit_is_refused_at_deployment()
    {
        var (executor, neighbour) = await WithNeighbourAsync();

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => StartAsync(executor, Abi(memory: "(memory (export \"memory\") 100)"), new() { [WasmAnnotations.MaxMemoryPages] = "16" }));

        Assert.Contains("could not start", error.Message, StringComparison.Ordinal);
        Assert.Contains("memory minimum size of 100 pages exceeds memory limits", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task Endless_recursion_traps_with_call_stack_exhausted()
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        var deep = await StartAsync(executor, Abi("(call $down (i32.const 0))", "(func $down (param i32) (call $down (i32.add (local.get 0) (i32.const 1))))"));

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => deep.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("failed in handle_cast_asm: call stack exhausted", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task A_module_declaring_a_table_over_the_limit_is_refused_at_deployment()
    {
        var (executor, neighbour) = await WithNeighbourAsync();

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => StartAsync(executor, Abi(declarations: "(table 50000 funcref)")));

        Assert.Contains("table minimum size of 50000 elements exceeds table limits", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task A_module_declaring_a_table_larger_than_the_node_allows_at_all_is_refused_when_compiled()
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        var path = WasmModules.FromWat("huge_table", Abi(declarations: "(table 5000000 funcref)"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext()));

        Assert.Contains("was refused by the WebAssembly engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("table does not fit", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task Growing_a_table_past_the_limit_fails_in_the_guest()
    {
        var (executor, _) = await WithNeighbourAsync();
        // The cast traps only if table.grow past the limit did not return -1.
        var grower = await StartAsync(
            executor,
            Abi("(if (i32.ne (table.grow $t (ref.null func) (i32.const 2000)) (i32.const -1)) (then unreachable))", "(table $t 1 funcref)"),
            new() { [WasmAnnotations.MaxTableElements] = "1000" });

        await grower.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);
    }

    [Fact]
    public async Task A_malformed_binary_is_refused_at_deployment_with_the_parse_error()
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        var path = WasmModules.FromBytes("truncated", [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x05]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.CreateAsync(WasmTestHost.Deployment(path, name: "broken"), new FakeFunctionContext()));

        Assert.Contains("Function broken", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not valid: failed to parse WebAssembly module; unexpected end-of-file", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(neighbour);
    }

    [Fact]
    public async Task A_module_missing_abi_exports_is_refused_naming_each_of_them()
    {
        var path = WasmModules.FromWat("no_exports", "(module (memory 1) (func (export \"handle_stop_asm\")))");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WasmTestHost.Executor().CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext()));

        Assert.Contains("does not export a 32-bit memory 'memory'", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not export edgeless_mem_alloc, edgeless_mem_free, edgeless_mem_clear, handle_cast_asm, handle_call_asm, handle_init_asm", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("handle_stop_asm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_module_with_a_mistyped_abi_export_is_refused_naming_both_types()
    {
        var wat = Abi().Replace("(func (export \"handle_init_asm\") (param i32 i32 i32 i32))", "(func (export \"handle_init_asm\") (param i64))", StringComparison.Ordinal);
        var path = WasmModules.FromWat("mistyped_export", wat);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WasmTestHost.Executor().CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext()));

        Assert.Contains("its export handle_init_asm has type (i64) -> (), the ABI's is (i32, i32, i32, i32) -> ()", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(import \"env\" \"open_socket\" (func (param i32)))", "imports env.open_socket, which is not an EDGELESS host function")]
    [InlineData("(import \"host\" \"cast_asm\" (func (param i32 i32 i32 i32)))", "imports host.cast_asm, but the node provides only the EDGELESS host functions (env) and wasi_snapshot_preview1")]
    [InlineData("(import \"env\" \"cast_asm\" (func (param i64 i32 i32 i32)))", "imports env.cast_asm as (i64, i32, i32, i32) -> (), the ABI's is (i32, i32, i32, i32) -> ()")]
    [InlineData("(import \"env\" \"memory\" (memory 1))", "imports env.memory, which is not an EDGELESS host function")]
    public async Task A_module_with_an_unknown_or_mistyped_import_is_refused_at_deployment(string import, string reason)
    {
        var path = WasmModules.FromWat("import_" + Convert.ToHexString(Encoding.UTF8.GetBytes(import))[..24], Abi(declarations: import));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WasmTestHost.Executor().CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext()));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pointer_outside_guest_memory_passed_to_a_host_function_crashes_only_that_instance()
    {
        var (executor, neighbour) = await WithNeighbourAsync();
        var context = new FakeFunctionContext();
        var liar = await StartAsync(
            executor,
            Abi("(call $cast (i32.const 0) (i32.const 1) (i32.const 65530) (i32.const 100))", "(import \"env\" \"cast_asm\" (func $cast (param i32 i32 i32 i32)))"),
            context: context);

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => liar.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("passed a buffer outside its memory (100 bytes at 65530", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.Casts);
        await AssertServesAsync(neighbour);
    }

    private static async Task<(WasmFunctionExecutor Executor, IFunctionInstance Neighbour)> WithNeighbourAsync()
    {
        var executor = WasmTestHost.Executor();
        var neighbour = await executor.CreateAsync(WasmTestHost.Deployment(WasmModules.Example("counter")), new FakeFunctionContext());
        await neighbour.InitAsync(null, null, CancellationToken.None);
        await neighbour.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);
        return (executor, neighbour);
    }

    private static async Task AssertServesAsync(IFunctionInstance neighbour)
    {
        await neighbour.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);
        Assert.Equal("2", (await neighbour.CallAsync(WasmTestHost.Source(), default, CancellationToken.None)).Text);
    }

    private static async Task<IFunctionInstance> StartAsync(WasmFunctionExecutor executor, string wat, Dictionary<string, string>? annotations = null, FakeFunctionContext? context = null)
    {
        var path = WasmModules.FromWat("sandbox_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(wat)))[..16], wat);
        var instance = await executor.CreateAsync(WasmTestHost.Deployment(path, annotations), context ?? new FakeFunctionContext());
        await instance.InitAsync(null, null, CancellationToken.None);
        return instance;
    }
}
