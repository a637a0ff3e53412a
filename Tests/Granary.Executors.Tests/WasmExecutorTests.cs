using System.Text;
using Granary.Executors.Wasm;
using Granary.Grains.Functions;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Tests;

/// <summary>Loading, caching and sandboxing of WebAssembly functions by the executor.</summary>
public sealed class WasmExecutorTests
{
    private static string Hostile => WasmModules.TestModule("hostile");

    [Fact]
    public async Task A_module_is_compiled_once_and_shared_by_all_instances_of_its_code()
    {
        using var engine = new WasmEngine();
        var executor = WasmTestHost.Executor(engine: engine);
        var path = WasmModules.Example("counter");

        var first = await executor.CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext());
        var second = await executor.CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext());
        await first.InitAsync(null, null, CancellationToken.None);
        await second.InitAsync(null, null, CancellationToken.None);
        await first.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);

        Assert.Equal(1, engine.Compilations);
        Assert.Equal("1", (await first.CallAsync(WasmTestHost.Source(), default, CancellationToken.None)).Text);
        Assert.Equal("0", (await second.CallAsync(WasmTestHost.Source(), default, CancellationToken.None)).Text);
    }

    [Fact]
    public async Task A_module_file_rewritten_with_other_code_is_compiled_again()
    {
        using var engine = new WasmEngine();
        var executor = WasmTestHost.Executor(engine: engine);
        var path = Path.Combine(Directory.CreateTempSubdirectory("granary-wasm-").FullName, "f.wasm");
        File.Copy(WasmModules.Example("noop"), path);
        await executor.CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext());

        File.Copy(WasmModules.Example("counter"), path, overwrite: true);
        var counter = await executor.CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext());
        await counter.InitAsync(null, null, CancellationToken.None);

        Assert.Equal(2, engine.Compilations);
        Assert.Equal("0", (await counter.CallAsync(WasmTestHost.Source(), default, CancellationToken.None)).Text);
    }

    [Fact]
    public async Task The_same_code_under_another_path_is_not_compiled_again()
    {
        using var engine = new WasmEngine();
        var executor = WasmTestHost.Executor(engine: engine);
        var copy = Path.Combine(Directory.CreateTempSubdirectory("granary-wasm-").FullName, "copy.wasm");
        File.Copy(WasmModules.Example("noop"), copy);

        await executor.CreateAsync(WasmTestHost.Deployment(WasmModules.Example("noop")), new FakeFunctionContext());
        await executor.CreateAsync(WasmTestHost.Deployment(copy), new FakeFunctionContext());

        Assert.Equal(1, engine.Compilations);
    }

    [Fact]
    public async Task A_missing_module_file_fails_naming_the_component()
    {
        var executor = WasmTestHost.Executor();

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            executor.CreateAsync(WasmTestHost.Deployment("/nonexistent/f.wasm", name: "my-func"), new FakeFunctionContext()));

        Assert.Contains("my-func", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_module_without_the_abi_exports_is_rejected_naming_what_is_missing()
    {
        var path = WasmModules.CompileSource("no_abi", "int run(void) { return 1; }", "run");
        var executor = WasmTestHost.Executor();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.CreateAsync(WasmTestHost.Deployment(path), new FakeFunctionContext()));

        Assert.Contains("handle_cast_asm", error.Message, StringComparison.Ordinal);
        Assert.Contains("edgeless_mem_alloc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_limit_annotation_fails_naming_the_annotation()
    {
        var executor = WasmTestHost.Executor();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => executor.CreateAsync(
            WasmTestHost.Deployment(WasmModules.Example("noop"), new() { [WasmAnnotations.MaxMemoryPages] = "lots" }), new FakeFunctionContext()));

        Assert.Contains(WasmAnnotations.MaxMemoryPages, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trap_makes_the_callback_throw_with_the_trap_message()
    {
        var instance = await WasmTestHost.StartAsync(Hostile, new FakeFunctionContext(), initPayload: "mode=trap");

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("failed in handle_cast_asm: unreachable executed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_loop_is_stopped_by_the_time_limit_per_event()
    {
        var instance = await WasmTestHost.StartAsync(Hostile, new FakeFunctionContext(), new() { [WasmAnnotations.MaxEventMs] = "200" }, initPayload: "mode=spin");
        var started = Environment.TickCount64;

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("deadline exceeded (limit 200 ms per event)", error.Message, StringComparison.Ordinal);
        Assert.InRange(Environment.TickCount64 - started, 150, 5000);
    }

    [Theory]
    [InlineData(WasmAnnotations.FuelPerEvent, WasmAnnotations.MaxEventMs)]
    [InlineData(WasmAnnotations.MaxCallDepth, "MaxWasmStackBytes")]
    public async Task A_retired_limit_annotation_fails_the_deployment_naming_its_replacement(string retired, string replacement)
    {
        var executor = WasmTestHost.Executor();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => executor.CreateAsync(
            WasmTestHost.Deployment(WasmModules.Example("noop"), new() { [retired] = "1000" }), new FakeFunctionContext()));

        Assert.Contains(retired, error.Message, StringComparison.Ordinal);
        Assert.Contains(replacement, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_limit_spans_the_whole_event_not_the_instance_lifetime()
    {
        var annotations = new Dictionary<string, string> { [WasmAnnotations.MaxEventMs] = "100" };
        var instance = await WasmTestHost.StartAsync(WasmModules.Example("counter"), new FakeFunctionContext(), annotations);

        // Far longer in total than one event's allowance.
        for (var i = 0; i < 5; i++)
        {
            await instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);
            await Task.Delay(60);
        }

        Assert.Equal("5", (await instance.CallAsync(WasmTestHost.Source(), default, CancellationToken.None)).Text);
    }

    [Fact]
    public async Task A_function_exhausting_its_memory_limit_is_stopped_with_a_message_naming_the_limit()
    {
        var instance = await WasmTestHost.StartAsync(Hostile, new FakeFunctionContext(), new() { [WasmAnnotations.MaxMemoryPages] = "8" }, initPayload: "mode=hog");

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("memory is at the limit of 8 pages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endless_recursion_traps_with_call_stack_exhausted()
    {
        var instance = await WasmTestHost.StartAsync(Hostile, new FakeFunctionContext(), initPayload: "mode=deep");

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("call stack exhausted (limit 512 KiB of WebAssembly stack)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4", 1 << 20)]
    [InlineData("2", 65_000)] // a payload a cast passes in one call from .NET (WasmEventAdapter.MaxInlinePayload)
    public async Task A_payload_larger_than_the_memory_limit_fails_the_event_instead_of_growing_past_it(string pages, int length)
    {
        var instance = await WasmTestHost.StartAsync(WasmModules.Example("noop"), new FakeFunctionContext(), new() { [WasmAnnotations.MaxMemoryPages] = pages });

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), new byte[length], CancellationToken.None));

        Assert.Contains($"could not allocate {length} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_payload_larger_than_the_memory_limit_fails_the_event_naming_its_size()
    {
        var instance = await WasmTestHost.StartAsync(WasmModules.Example("noop"), new FakeFunctionContext(), new() { [WasmAnnotations.MaxMemoryPages] = "4" });

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CallAsync(WasmTestHost.Source(), new byte[1 << 20], CancellationToken.None));

        Assert.Contains("could not allocate 1048576 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_the_node_instance_limit_every_instance_can_still_cast_and_call()
    {
        // Casts and calls go through an adapter instance in the function's store: it must not take a function's slot.
        var options = new WasmExecutorOptions { MaxInstances = 1 };
        using var engine = new WasmEngine(Options.Create(options));
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.Executor(options, engine).CreateAsync(WasmTestHost.Deployment(WasmModules.Example("noop")), context);
        await instance.InitAsync(null, null, CancellationToken.None);

        await instance.CastAsync(WasmTestHost.Source(), Encoding.UTF8.GetBytes("x"), CancellationToken.None);
        var result = await instance.CallAsync(WasmTestHost.Source(), Encoding.UTF8.GetBytes("y"), CancellationToken.None);

        Assert.Equal(CallResultKind.NoReply, result.Kind);
    }

    [Fact]
    public async Task After_one_instance_traps_another_instance_of_the_same_module_keeps_serving()
    {
        var executor = WasmTestHost.Executor();
        var bad = await executor.CreateAsync(WasmTestHost.Deployment(Hostile), new FakeFunctionContext());
        var good = await executor.CreateAsync(WasmTestHost.Deployment(Hostile), new FakeFunctionContext());
        await bad.InitAsync("mode=trap", null, CancellationToken.None);
        await good.InitAsync("mode=none", null, CancellationToken.None);

        await Assert.ThrowsAsync<WasmFunctionException>(() => bad.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));
        await good.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);

        Assert.Equal("alive", (await good.CallAsync(WasmTestHost.Source(), Encoding.UTF8.GetBytes("?"), CancellationToken.None)).Text);
    }

    [Fact]
    public async Task An_instance_that_trapped_refuses_further_events()
    {
        var instance = await WasmTestHost.StartAsync(Hostile, new FakeFunctionContext(), initPayload: "mode=trap");
        await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CallAsync(WasmTestHost.Source(), default, CancellationToken.None));

        Assert.Contains("has ended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_calls_the_guest_and_then_the_instance_can_be_disposed()
    {
        var instance = await WasmTestHost.StartAsync(WasmModules.Example("counter"), new FakeFunctionContext());

        await instance.StopAsync(CancellationToken.None);
        await instance.DisposeAsync();

        await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None));
    }

    [Fact]
    public async Task Counter_init_restores_the_count_from_the_saved_state()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(WasmModules.Example("counter"), context, state: Encoding.UTF8.GetBytes("41"));

        await instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);

        Assert.Equal("42", Encoding.UTF8.GetString(context.Syncs.Last()));
        Assert.Equal(CallResultKind.Reply, (await instance.CallAsync(WasmTestHost.Source(), default, CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task Past_the_node_instance_limit_a_start_fails_with_the_reason_and_an_ended_instance_frees_its_slot()
    {
        var options = new WasmExecutorOptions { MaxInstances = 2 };
        using var engine = new WasmEngine(Options.Create(options));
        var executor = WasmTestHost.Executor(options, engine);
        var first = await executor.CreateAsync(WasmTestHost.Deployment(WasmModules.Example("noop")), new FakeFunctionContext());
        await executor.CreateAsync(WasmTestHost.Deployment(WasmModules.Example("noop")), new FakeFunctionContext());

        var error = await Assert.ThrowsAsync<WasmFunctionException>(() => executor.CreateAsync(WasmTestHost.Deployment(WasmModules.Example("noop")), new FakeFunctionContext()));
        await first.DisposeAsync();
        var third = await executor.CreateAsync(WasmTestHost.Deployment(WasmModules.Example("noop")), new FakeFunctionContext());
        await third.InitAsync(null, null, CancellationToken.None);

        Assert.Contains("could not start", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 2", error.Message, StringComparison.Ordinal);
    }
}
