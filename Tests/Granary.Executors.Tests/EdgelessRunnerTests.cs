using System.Text;
using Granary.Grains.Execution;
using Granary.Grains.Functions;

namespace Granary.Executors.Tests;

/// <summary>
/// The equivalents of EDGELESS's own wasm runner tests (edgeless_node/src/wasm_runner/test/mod.rs), against C
/// functions that behave as their messaging_test and state_test fixtures; the recording function context stands
/// where their tests mock the data plane, the telemetry and the state manager.
/// </summary>
public sealed class EdgelessRunnerTests
{
    private static string Messaging => WasmModules.TestModule("messaging_test");

    private static string State => WasmModules.TestModule("state_test");

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Basic_lifecycle_init_logs_on_start_and_stop_logs_on_stop()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(Messaging, context);
        Assert.Equal([(TelemetryLevel.Info, "messaging_test", "Messaging Test Init")], context.Telemetry);

        await instance.StopAsync(CancellationToken.None);
        await instance.DisposeAsync();

        Assert.Equal((TelemetryLevel.Info, "messaging_test", "Messaging Test Stop"), context.Telemetry.Last());
        Assert.Equal(2, context.Telemetry.Count);
    }

    [Fact]
    public async Task Cast_input_reaches_the_function()
    {
        var (instance, context) = await MessagingAsync();

        await instance.CastAsync(WasmTestHost.Source(), Bytes("some_message"), CancellationToken.None);

        Assert.Equal((TelemetryLevel.Info, "messaging_test", "Unprocessed Message"), Assert.Single(context.Telemetry));
        Assert.Empty(context.Casts);
    }

    [Fact]
    public async Task Cast_raw_output_goes_to_the_instance_the_function_names()
    {
        var (instance, context) = await MessagingAsync();
        var peer = WasmTestHost.Source();

        await instance.CastAsync(peer, Bytes("test_cast_raw_output"), CancellationToken.None);

        var cast = Assert.Single(context.RawCasts);
        Assert.Equal((peer, "cast_raw_output"), (cast.Target, Encoding.UTF8.GetString(cast.Payload)));
    }

    [Fact]
    public async Task Call_raw_output_calls_the_instance_the_function_names_and_the_cast_completes_once_answered()
    {
        var answered = new TaskCompletionSource<CallResult>();
        var context = new FakeFunctionContext { OnCall = (_, _) => answered.Task };
        var instance = await WasmTestHost.StartAsync(Messaging, context);
        var peer = WasmTestHost.Source();

        var cast = instance.CastAsync(peer, Bytes("test_call_raw_output"), CancellationToken.None);
        await WaitUntilAsync(() => !context.Calls.IsEmpty);
        Assert.False(cast.IsCompleted);
        answered.SetResult(CallResult.NoReply);
        await cast;

        var call = Assert.Single(context.Calls);
        Assert.Equal((peer.ToString(), "call_raw_output"), (call.Target, Encoding.UTF8.GetString(call.Payload)));
    }

    [Fact]
    public async Task Delayed_cast_output_asks_for_the_delay_on_the_output()
    {
        var (instance, context) = await MessagingAsync();

        await instance.CastAsync(WasmTestHost.Source(), Bytes("test_delayed_cast_output"), CancellationToken.None);

        var delayed = Assert.Single(context.DelayedCasts);
        Assert.Equal((TimeSpan.FromMilliseconds(100), "test", "delayed_cast_output"), (delayed.Delay, delayed.Alias, Encoding.UTF8.GetString(delayed.Payload)));
    }

    [Fact]
    public async Task Cast_output_goes_out_on_the_output()
    {
        var (instance, context) = await MessagingAsync();

        await instance.CastAsync(WasmTestHost.Source(), Bytes("test_cast_output"), CancellationToken.None);

        var cast = Assert.Single(context.Casts);
        Assert.Equal(("test", "cast_output"), (cast.Alias, Encoding.UTF8.GetString(cast.Payload)));
    }

    [Fact]
    public async Task Call_output_calls_the_output_and_the_cast_completes_once_answered()
    {
        var answered = new TaskCompletionSource<CallResult>();
        var context = new FakeFunctionContext { OnCall = (_, _) => answered.Task };
        var instance = await WasmTestHost.StartAsync(Messaging, context);

        var cast = instance.CastAsync(WasmTestHost.Source(), Bytes("test_call_output"), CancellationToken.None);
        await WaitUntilAsync(() => !context.Calls.IsEmpty);
        Assert.False(cast.IsCompleted);
        answered.SetResult(CallResult.NoReply);
        await cast;

        var call = Assert.Single(context.Calls);
        Assert.Equal(("test", "call_output"), (call.Target, Encoding.UTF8.GetString(call.Payload)));
    }

    [Fact]
    public async Task A_call_answered_with_no_reply_returns_no_reply()
    {
        var (instance, _) = await MessagingAsync();

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("some_cast"), CancellationToken.None);

        Assert.Equal(CallResultKind.NoReply, result.Kind);
    }

    [Fact]
    public async Task A_call_answered_with_a_reply_returns_its_bytes()
    {
        var (instance, _) = await MessagingAsync();

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("test_ret"), CancellationToken.None);

        Assert.Equal((CallResultKind.Reply, "test_reply"), (result.Kind, result.Text));
    }

    [Fact]
    public async Task A_call_answered_with_an_error_returns_an_error()
    {
        var (instance, _) = await MessagingAsync();

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("test_err"), CancellationToken.None);

        Assert.Equal(CallResultKind.Error, result.Kind);
    }

    [Fact]
    public async Task State_is_synced_by_the_function_and_handed_back_to_init_of_the_next_instance()
    {
        var first = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(State, first);
        Assert.Equal([(TelemetryLevel.Info, "edgeless_test_state", "no_state")], first.Telemetry);

        await instance.CastAsync(WasmTestHost.Source(), Bytes("test_cast_raw_output"), CancellationToken.None);
        await instance.StopAsync(CancellationToken.None);
        await instance.DisposeAsync();
        var saved = Assert.Single(first.Syncs);
        Assert.Equal("new_state", Encoding.UTF8.GetString(saved));

        var second = new FakeFunctionContext();
        await WasmTestHost.StartAsync(State, second, state: Bytes("existing_state"));

        Assert.Equal([(TelemetryLevel.Info, "edgeless_test_state", "existing_state")], second.Telemetry);
    }

    private static async Task<(IFunctionInstance Instance, FakeFunctionContext Context)> MessagingAsync()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(Messaging, context);
        context.Telemetry.Clear();
        return (instance, context);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}
