using System.Text;
using Granary.Grains.Functions;

namespace Granary.Executors.Tests;

/// <summary>
/// A function built with wasi-libc (examples/functions/wasi_hello): it gets a WASI context with no files, network or
/// environment, and what it writes to stdout and stderr becomes its instance's log lines.
/// </summary>
public sealed class WasiFunctionTests
{
    private static string WasiHello => WasmModules.Example("wasi_hello");

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Stdout_lines_become_info_lines_of_the_instance_log()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(WasiHello, context, initPayload: "greeting=howdy");

        await instance.CastAsync(WasmTestHost.Source(), Bytes("one"), CancellationToken.None);
        await instance.CastAsync(WasmTestHost.Source(), Bytes("two"), CancellationToken.None);
        await instance.StopAsync(CancellationToken.None);

        Assert.Equal(
            [(TelemetryLevel.Info, "stdout", "howdy from WASI"), (TelemetryLevel.Info, "stdout", "cast #1: one"), (TelemetryLevel.Info, "stdout", "cast #2: two"), (TelemetryLevel.Info, "stdout", "bye")],
            context.Telemetry);
    }

    [Fact]
    public async Task Stderr_lines_become_warnings_of_the_instance_log()
    {
        var context = new FakeFunctionContext();
        var instance = await WasmTestHost.StartAsync(WasiHello, context);

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("warn"), CancellationToken.None);

        Assert.Equal(CallResultKind.NoReply, result.Kind);
        Assert.Equal((TelemetryLevel.Warn, "stderr", "warning: asked to"), context.Telemetry.Last());
    }

    [Fact]
    public async Task A_wasi_function_sees_no_files_and_no_environment()
    {
        var instance = await WasmTestHost.StartAsync(WasiHello, new FakeFunctionContext());

        var result = await instance.CallAsync(WasmTestHost.Source(), Bytes("probe"), CancellationToken.None);

        Assert.True(File.Exists("/etc/hostname") || Directory.Exists("/etc"), "the host has files the guest could try to read");
        Assert.Equal("files=no env=0", result.Text);
    }

    [Fact]
    public async Task Replies_from_libc_malloc_arrive_intact_and_are_freed_by_the_guest_at_the_next_clear()
    {
        var instance = await WasmTestHost.StartAsync(WasiHello, new FakeFunctionContext());

        for (var i = 0; i < 300; i++)
        {
            var result = await instance.CallAsync(WasmTestHost.Source(), Bytes(new string('x', 1000) + i), CancellationToken.None);
            Assert.Equal($"hello, {new string('x', 1000)}{i}", result.Text);
        }
    }
}
