using System.Runtime.InteropServices;

namespace Granary.Wasm;

/// <summary>
/// Recycles the native buffers of small linear memories (up to <see cref="MaxPages"/> pages), in the spirit of
/// Wasmtime's pooling allocator. Instances come and go far faster than the allocator likes: buffers freed back
/// to it are soon trimmed and returned to the system, and every fresh page costs a page fault, which made instance
/// start time swing tenfold. A recycled buffer is warm; it is zeroed before reuse. At most
/// <see cref="MaxPooledBytes"/> wait in the pool; the rest are freed.
/// </summary>
internal static unsafe class LinearMemoryPool
{
    /// <summary>The largest memory, in pages, whose buffer is recycled.</summary>
    internal const int MaxPages = 16;

    /// <summary>The most bytes kept waiting for reuse, all sizes together.</summary>
    internal const long MaxPooledBytes = 64L * 1024 * 1024;

    // Index: page count. Guarded by s_lock: buffers come back from the finalizer thread and leave on any other.
    private static readonly Stack<nint>[] s_free = [.. Enumerable.Range(0, MaxPages + 1).Select(_ => new Stack<nint>())];
    private static readonly Lock s_lock = new();
    private static long s_pooledBytes;

    /// <summary>Bytes waiting for reuse now.</summary>
    internal static long PooledBytes => Volatile.Read(ref s_pooledBytes);

    /// <summary>A zeroed buffer of <paramref name="pages"/> pages (null for 0 pages): recycled when one is waiting.</summary>
    public static byte* Rent(uint pages)
    {
        if (pages == 0)
        {
            return null;
        }

        var size = (nuint)pages * WasmMemory.PageSize;
        if (pages <= MaxPages)
        {
            nint recycled = 0;
            lock (s_lock)
            {
                if (s_free[pages].TryPop(out recycled))
                {
                    s_pooledBytes -= (long)size;
                }
            }

            if (recycled != 0)
            {
                NativeMemory.Clear((void*)recycled, size);
                return (byte*)recycled;
            }
        }

        return (byte*)NativeMemory.AllocZeroed(size);
    }

    /// <summary>Frees every buffer waiting for reuse.</summary>
    public static void Drain()
    {
        lock (s_lock)
        {
            foreach (var stack in s_free)
            {
                while (stack.TryPop(out var buffer))
                {
                    NativeMemory.Free((void*)buffer);
                }
            }

            s_pooledBytes = 0;
        }
    }

    /// <summary>Takes back a buffer of <paramref name="pages"/> pages: kept for reuse when small and there is room, freed otherwise.</summary>
    public static void Return(byte* buffer, uint pages)
    {
        if (buffer == null)
        {
            return;
        }

        if (pages <= MaxPages)
        {
            var size = (long)pages * WasmMemory.PageSize;
            lock (s_lock)
            {
                if (s_pooledBytes + size <= MaxPooledBytes)
                {
                    s_free[pages].Push((nint)buffer);
                    s_pooledBytes += size;
                    return;
                }
            }
        }

        NativeMemory.Free(buffer);
    }
}
