using System.Text;
using Granary.Executors.Wasm;
using Granary.Grains.Functions;
using Wasmtime;

namespace Granary.Executors.Tests;

/// <summary>
/// The reply of handle_call_asm belongs to the guest. A function that gives its reply buffer back to its own
/// allocator, as EDGELESS's Rust crate does, and traps on a double free, as the Rust allocator panics, must get every
/// reply delivered intact and never be made to crash by the host freeing that buffer again.
/// </summary>
public sealed class GuestOwnedReplyTests
{
    private static string OwnedReply => WasmModules.TestModule("owned_reply");

    [Fact]
    public async Task Replies_from_a_buffer_the_guest_frees_itself_arrive_intact_call_after_call()
    {
        var instance = await WasmTestHost.StartAsync(OwnedReply, new FakeFunctionContext());

        for (var i = 0; i < 200; i++)
        {
            var result = await instance.CallAsync(WasmTestHost.Source(), Encoding.UTF8.GetBytes($"hello {i}"), CancellationToken.None);

            Assert.Equal((CallResultKind.Reply, $"reply:hello {i}"), (result.Kind, result.Text));
        }
    }

    [Fact]
    public async Task The_host_gives_back_every_buffer_it_allocated_and_no_other()
    {
        var instance = await WasmTestHost.StartAsync(OwnedReply, new FakeFunctionContext());
        for (var i = 0; i < 100; i++)
        {
            await instance.CallAsync(WasmTestHost.Source(), Encoding.UTF8.GetBytes("x"), CancellationToken.None);
        }

        var live = await instance.CallAsync(WasmTestHost.Source(), Encoding.UTF8.GetBytes("live"), CancellationToken.None);

        // During this call: its two ids, its payload and its two out slots; nothing left over from the 100 before.
        Assert.Equal("5", live.Text);
    }

    [Fact]
    public void The_fixture_allocator_traps_on_a_double_free_so_a_host_freeing_the_reply_would_crash_it()
    {
        using var module = Module.FromFile(WasmTestHost.Engine.Engine, OwnedReply);
        using var store = new Store(WasmTestHost.Engine.Engine);
        var instance = new Instance(store, module);
        var alloc = instance.GetFunction<int, int>(WasmAbi.MemAlloc)!;
        var free = instance.GetAction<int, int>(WasmAbi.MemFree)!;
        var block = alloc(8);
        free(block, 8);

        var trap = Assert.Throws<TrapException>(() => free(block, 8));

        Assert.Equal(TrapCode.Unreachable, trap.Type);
    }
}
