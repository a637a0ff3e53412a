using System.Text;
using Granary.Executors.Wasm;
using Granary.Grains.Functions;
using Granary.Grains.Identity;

namespace Granary.Executors.Tests;

/// <summary>The host side of the EDGELESS ABI, checked with a probe module written against the raw ABI.</summary>
public sealed class WasmAbiTests
{
    private static string Probe => WasmModules.TestModule("probe");

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData(7)]
    [InlineData(WasmEventAdapter.MaxInlinePayload)] // the largest a cast passes in one call from .NET
    [InlineData(WasmEventAdapter.MaxInlinePayload + 1)] // the smallest it passes in two
    [InlineData(200_000)]
    public async Task A_cast_delivers_the_exact_payload_bytes_and_the_source_ids(int length)
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(Probe, context);
        var source = WasmTestHost.Source();
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        payload[0] = 0;

        await instance.CastAsync(source, payload, CancellationToken.None);

        var echo = Assert.Single(context.Casts);
        Assert.Equal("echo", echo.Alias);
        Assert.Equal(payload, echo.Payload);
        var back = Assert.Single(context.RawCasts);
        Assert.Equal(source, back.Target);
        Assert.Equal(payload, back.Payload);
    }

    [Fact]
    public async Task Each_cast_goes_out_on_exactly_the_alias_the_guest_names_however_many_aliases_it_used_before()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(WasmModules.TestModule("alias"), context);
        string[] aliases = [.. Enumerable.Range(0, 12).Select(i => $"out{i}"), "out1", "o", "out0", "öut", new string('x', 100), new string('x', 100), "out11"];

        foreach (var alias in aliases)
        {
            await instance.CastAsync(WasmTestHost.Source(), Bytes(alias), CancellationToken.None);
        }

        Assert.Equal(aliases, context.Casts.Select(c => c.Alias));
        Assert.All(context.Casts, c => Assert.Equal(Bytes("x"), c.Payload));
    }

    /// <summary>
    /// On a cast: casts "first", calls "second", casts "third"; with the payload "trap", casts "before" and traps.
    /// </summary>
    private const string CastCallCast = """
        #define IMPORT(n) __attribute__((import_module("env"), import_name(#n)))
        IMPORT(cast_asm) void cast_asm(const char *, int, const void *, int);
        IMPORT(call_asm) int call_asm(const char *, int, const void *, int, unsigned char **, int *);
        static unsigned char heap[4096];
        static int top;
        unsigned char *edgeless_mem_alloc(int len) { unsigned char *p = heap + top; top += (len + 7) & ~7; return p; }
        void edgeless_mem_free(unsigned char *p, int len) {}
        void edgeless_mem_clear(void) { top = 0; }
        void handle_init_asm(int a, int b, int c, int d) {}
        void handle_stop_asm(void) {}
        int handle_call_asm(int a, int b, int c, int d, int e, int f) { return 0; }
        void handle_cast_asm(int node, int component, const unsigned char *p, int n) {
            if (n == 4 && p[0] == 't') { cast_asm("before", 6, "0", 1); __builtin_trap(); }
            unsigned char *reply;
            int len;
            cast_asm("first", 5, "1", 1);
            call_asm("second", 6, "2", 1, &reply, &len);
            cast_asm("third", 5, "3", 1);
        }
        """;

    private static string CastCallCastModule => WasmModules.CompileSource(
        "cast_call_cast", CastCallCast, "edgeless_mem_alloc", "edgeless_mem_free", "edgeless_mem_clear", "handle_init_asm", "handle_stop_asm", "handle_call_asm", "handle_cast_asm");

    [Fact]
    public async Task A_cast_made_before_a_call_reaches_the_node_before_the_call_and_one_made_after_it_follows()
    {
        var context = new FakeFunctionContext();
        string[]? castsWhenCalled = null;
        context.OnCall = (_, _) =>
        {
            castsWhenCalled = context.Casts.Select(c => c.Alias).ToArray();
            return Task.FromResult(CallResult.NoReply);
        };
        var instance = await WasmTestHost.StartAsync(CastCallCastModule, context);

        await instance.CastAsync(WasmTestHost.Source(), Bytes("go"), CancellationToken.None);

        Assert.NotNull(castsWhenCalled);
        Assert.Equal(["first"], castsWhenCalled);
        Assert.Equal(["first", "third"], context.Casts.Select(c => c.Alias));
    }

    [Fact]
    public async Task The_casts_a_guest_made_before_it_trapped_are_delivered()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(CastCallCastModule, context);

        await Assert.ThrowsAsync<WasmFunctionException>(() => instance.CastAsync(WasmTestHost.Source(), Bytes("trap"), CancellationToken.None));

        Assert.Equal("before", Assert.Single(context.Casts).Alias);
    }

    [Fact]
    public async Task Init_receives_the_init_payload_and_the_saved_state()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(Probe, context, initPayload: "message=hello world,period=5", state: Bytes("saved"));

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("init"), CancellationToken.None);

        Assert.Equal("message=hello world,period=5|saved", result.Text);
    }

    [Fact]
    public async Task Each_event_clears_guest_memory_first_and_frees_every_buffer_the_host_allocated_but_never_the_reply()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(Probe, context);
        await instance.CastAsync(WasmTestHost.Source(), Bytes("x"), CancellationToken.None);

        // The cast: one clear, three buffers allocated and freed. This call: one clear, five buffers (ids, payload, two out slots).
        var first = await instance.CallAsync(WasmTestHost.Source(), Bytes("stats"), CancellationToken.None);
        // The first call's five buffers were freed before this call's clear; its reply, the guest's own buffer, was not.
        var second = await instance.CallAsync(WasmTestHost.Source(), Bytes("stats"), CancellationToken.None);

        Assert.Equal("alloc=8 free=3 clear=2 unmatched=0", first.Text);
        Assert.Equal("alloc=13 free=8 clear=3 unmatched=0", second.Text);
    }

    [Fact]
    public async Task Init_cast_call_and_stop_follow_the_edgeless_host_sequence_of_allocations_and_frees()
    {
        var instance = await WasmTestHost.StartAsync(Probe, new FakeFunctionContext(), initPayload: "k=v", state: Bytes("st"));
        await instance.CastAsync(WasmTestHost.Source(), Bytes("xyz"), CancellationToken.None);
        await instance.CastAsync(WasmTestHost.Source(), default, CancellationToken.None);
        await instance.CallAsync(WasmTestHost.Source(), Bytes("stats"), CancellationToken.None);
        await instance.StopAsync(CancellationToken.None);

        var trace = await instance.CallAsync(WasmTestHost.Source(), Bytes("trace"), CancellationToken.None);

        // Init: payload and state copied in before the handler, freed after it, no clear. Cast: clear, component id,
        // node id, payload (allocated even when empty, freed only when not); the handler gets the node id (2nd buffer)
        // then the component id (1st). Call: the same plus two 4-byte out slots, freed after the ids and before the
        // payload. Stop: clear, then the handler. Last, the call asking for the trace.
        Assert.Equal(
            "I F3 F2 C A16 A16 A3 H21 F16 F16 F3 C A16 A16 A0 H21 F16 F16 C A16 A16 A5 A4 A4 H21 F16 F16 F4 F4 F5 C S C A16 A16 A5 A4 A4 H21",
            trace.Text);
    }

    [Fact]
    public async Task A_call_reply_is_copied_into_the_guest_with_its_allocator()
    {
        var context = new FakeFunctionContext { OnCall = (_, payload) => Task.FromResult(CallResult.Reply([.. Bytes("re:"), .. payload])) };
        var instance = await WasmTestHost.StartAsync(Probe, context);

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("call:hello"), CancellationToken.None);

        Assert.Equal(("peer", "hello"), (context.Calls.Single().Target, Encoding.UTF8.GetString(context.Calls.Single().Payload)));
        Assert.Equal(CallResultKind.Reply, result.Kind);
        Assert.Equal([1, 1, .. Bytes("re:hello")], result.Payload);
    }

    [Theory]
    [InlineData(CallResultKind.NoReply, 0)]
    [InlineData(CallResultKind.Error, 2)]
    public async Task Call_asm_returns_the_abi_code_of_an_answer_without_reply(CallResultKind answer, byte code)
    {
        var context = new FakeFunctionContext { OnCall = (_, _) => Task.FromResult(new CallResult(answer, [])) };
        var instance = await WasmTestHost.StartAsync(Probe, context);

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("call:x"), CancellationToken.None);

        Assert.Equal([code, 0], result.Payload);
    }

    [Fact]
    public async Task Call_asm_returns_an_error_when_the_answer_does_not_come_within_the_call_timeout()
    {
        var never = new TaskCompletionSource<CallResult>();
        var context = new FakeFunctionContext { OnCall = (_, _) => never.Task };
        var instance = await WasmTestHost.StartAsync(Probe, context, options: new WasmExecutorOptions { CallTimeout = TimeSpan.FromMilliseconds(200) });
        var started = Environment.TickCount64;

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("call:x"), CancellationToken.None);

        Assert.Equal([2, 0], result.Payload);
        Assert.InRange(Environment.TickCount64 - started, 150, 5000);
    }

    [Fact]
    public async Task Call_raw_asm_calls_the_instance_whose_ids_the_guest_passes()
    {
        var context = new FakeFunctionContext { OnCall = (target, _) => Task.FromResult(CallResult.Reply(target)) };
        var instance = await WasmTestHost.StartAsync(Probe, context);
        var source = WasmTestHost.Source();

        var result = await instance.CallAsync(source, Bytes("raw:x"), CancellationToken.None);

        Assert.Equal(source.ToString(), Encoding.UTF8.GetString(result.Payload.AsSpan(2)));
    }

    [Fact]
    public async Task Slf_asm_writes_the_node_id_then_the_component_id_in_big_endian_order()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(Probe, context);

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("self"), CancellationToken.None);

        Assert.Equal(context.Self.ToBytes(), result.Payload);
    }

    [Fact]
    public async Task Telemetry_delayed_cast_and_sync_reach_the_function_context()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(Probe, context);

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("emit"), CancellationToken.None);

        Assert.Equal(CallResultKind.NoReply, result.Kind);
        Assert.Equal((TelemetryLevel.Info, "probe", "emitted"), Assert.Single(context.Telemetry));
        var delayed = Assert.Single(context.DelayedCasts);
        Assert.Equal((TimeSpan.FromMilliseconds(40), "later", "tick"), (delayed.Delay, delayed.Alias, Encoding.UTF8.GetString(delayed.Payload)));
        Assert.Equal("state-1", Encoding.UTF8.GetString(Assert.Single(context.Syncs)));
    }

    [Fact]
    public async Task A_handler_code_other_than_0_or_1_answers_the_call_with_an_error()
    {
        var instance = await WasmTestHost.StartAsync(Probe, new FakeFunctionContext());

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("unknown"), CancellationToken.None);

        Assert.Equal(CallResultKind.Error, result.Kind);
        Assert.Contains("error code 7", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_answers_with_the_reply_pong_gave_to_its_call()
    {
        var pongContext = new FakeFunctionContext();
        var pong = await WasmTestHost.StartAsync(WasmModules.Example("pong"), pongContext);
        var pingContext = new FakeFunctionContext();
        pingContext.OnCall = (_, payload) => pong.CallAsync(pingContext.Self, payload, CancellationToken.None);
        var ping = await WasmTestHost.StartAsync(WasmModules.Example("ping"), pingContext);

        var reply = await ping.CallAsync(WasmTestHost.Source(), Bytes("hello"), CancellationToken.None);
        var error = await ping.CallAsync(WasmTestHost.Source(), Bytes("error"), CancellationToken.None);

        Assert.Equal("pong:hello", reply.Text);
        Assert.Equal("pong", pingContext.Calls.First().Target);
        Assert.Equal(CallResultKind.Error, error.Kind);
    }
}
