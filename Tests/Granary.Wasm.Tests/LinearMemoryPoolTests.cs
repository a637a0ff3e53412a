using System.Runtime.InteropServices;

namespace Granary.Wasm.Tests;

/// <summary>
/// Recycled linear memory buffers and the collection nudge. They share process-wide state with every other test
/// that creates memories, so they run alone.
/// </summary>
[Collection(Name)]
public sealed unsafe class LinearMemoryPoolTests
{
    public const string Name = "linear memory pool (serial)";

    /// <summary>Each test starts with an empty pool: a full one would free what a test returns.</summary>
    public LinearMemoryPoolTests() => LinearMemoryPool.Drain();

    [Fact]
    public void A_returned_buffer_is_reused_and_zeroed()
    {
        const uint pages = 15;
        var size = (int)pages * WasmMemory.PageSize;
        var dirty = (byte*)NativeMemory.Alloc((nuint)size);
        new Span<byte>(dirty, size).Fill(0xAB);

        LinearMemoryPool.Return(dirty, pages);
        var rented = LinearMemoryPool.Rent(pages);

        Assert.True(rented == dirty, "the returned buffer was not reused");
        Assert.True(new Span<byte>(rented, size).IndexOfAnyExcept((byte)0) < 0, "a reused buffer was not zeroed");
        LinearMemoryPool.Return(rented, pages);
    }

    [Fact]
    public void The_pool_keeps_at_most_its_cap_and_large_buffers_are_freed()
    {
        var size = LinearMemoryPool.MaxPages * WasmMemory.PageSize;
        for (var i = 0; i < LinearMemoryPool.MaxPooledBytes / size + 8; i++)
        {
            LinearMemoryPool.Return((byte*)NativeMemory.AllocZeroed((nuint)size), LinearMemoryPool.MaxPages);
        }

        Assert.True(LinearMemoryPool.PooledBytes <= LinearMemoryPool.MaxPooledBytes, $"{LinearMemoryPool.PooledBytes} bytes pooled");
        var before = LinearMemoryPool.PooledBytes;
        LinearMemoryPool.Return((byte*)NativeMemory.AllocZeroed((nuint)(size + WasmMemory.PageSize)), LinearMemoryPool.MaxPages + 1);
        Assert.Equal(before, LinearMemoryPool.PooledBytes);
    }

    [Fact]
    public void Memories_of_a_dropped_instance_come_back_zeroed_to_new_instances()
    {
        var module = Wat.Compile("""
            (module (memory (export "memory") 3)
              (func (export "fill") (memory.fill (i32.const 0) (i32.const 0x5A) (i32.const 196608))))
            """);
        for (var round = 0; round < 3; round++)
        {
            Fill(module);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var fresh = module.Instantiate(new WasmImports());
            Assert.True(fresh.Memory!.Span.IndexOfAnyExcept((byte)0) < 0, "a new instance saw the bytes of a dropped one");
        }

        static void Fill(IWasmModule module) => module.Instantiate(new WasmImports()).GetFunction<Action>("fill")();
    }

    [Fact]
    public void Small_memories_created_in_a_stream_trigger_a_collection()
    {
        // One-page memories and almost no managed allocation: without the nudge no collection would run at all.
        var memories = new WasmMemory[2 * WasmMemory.CollectionNudge / WasmMemory.PageSize];
        var before = GC.CollectionCount(0);
        for (var i = 0; i < memories.Length; i++)
        {
            memories[i] = new WasmMemory(1);
        }

        Assert.True(GC.CollectionCount(0) > before, "no collection ran while 64 MiB of small memories were created");
        GC.KeepAlive(memories);
    }
}

[CollectionDefinition(LinearMemoryPoolTests.Name, DisableParallelization = true)]
public sealed class LinearMemoryPoolCollection;
