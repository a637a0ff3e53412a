using System.Runtime.InteropServices;

namespace Granary.Wasm;

/// <summary>
/// A linear memory: a zero-initialised native buffer of 64 KiB pages. It can be created by the host (to be
/// imported) or by an instance; an exported memory is shared, not copied. Growing may move the buffer, so do
/// not keep a <see cref="Span"/> across calls into WebAssembly.
/// </summary>
public sealed unsafe class WasmMemory
{
    /// <summary>The size of one page in bytes.</summary>
    public const int PageSize = 65536;

    // Read directly by generated code.
    internal byte* Base;
    internal ulong Size;

    /// <summary>Creates a memory of <paramref name="minPages"/> pages that may grow to <paramref name="maxPages"/> (null: 65536).</summary>
    public WasmMemory(uint minPages, uint? maxPages = null)
        : this(minPages, maxPages, maxPages ?? 65536)
    {
    }

    internal WasmMemory(uint minPages, uint? declaredMax, uint limitPages)
    {
        if (minPages > limitPages)
        {
            throw new WasmLinkException($"memory of {minPages} pages exceeds the limit of {limitPages} pages");
        }

        DeclaredMaxPages = declaredMax;
        LimitPages = Math.Min(limitPages, declaredMax ?? 65536);
        Pages = minPages;
        Size = (ulong)minPages * PageSize;
        Base = LinearMemoryPool.Rent(minPages);
        ReportPressure();
    }

    /// <summary>
    /// Native bytes of a memory the GC is not told about. The buffer is freed by the finalizer, so the GC must know
    /// about large buffers to collect their owners in time; but reporting every small one (most modules have a few
    /// pages) makes the runtime induce full collections as instances come and go, which multiplied instance start
    /// time tenfold. The allowance stays unreported; what a memory has beyond it is.
    /// </summary>
    internal const ulong UnreportedAllowance = 1024 * 1024;

    /// <summary>
    /// Unreported bytes allocated by all memories since the last gen0 collection beyond which one is requested. Small
    /// memories of instances created and dropped in a stream would otherwise pile up between collections (the
    /// managed side of an instance is small, so collections are rare): hundreds of MiB of fresh pages, each paid
    /// with a page fault. A gen0 collection over a small heap costs far less than those faults.
    /// </summary>
    internal const long CollectionNudge = 32 * 1024 * 1024;

    private static long s_unreportedSinceCollection;
    private static int s_collectionsSeen;

    private long _reportedPressure;
    private ulong _counted;

    /// <summary>Frees the native buffer.</summary>
    ~WasmMemory()
    {
        if (Base != null)
        {
            LinearMemoryPool.Return(Base, Pages);
            Base = null;
            if (_reportedPressure > 0)
            {
                GC.RemoveMemoryPressure(_reportedPressure);
            }
        }
    }

    /// <summary>The current size in pages.</summary>
    public uint Pages { get; private set; }

    /// <summary>The maximum declared by the module or host (null when unbounded).</summary>
    public uint? DeclaredMaxPages { get; }

    /// <summary>The effective maximum: the declared maximum capped by the instance's memory limit.</summary>
    public uint LimitPages { get; }

    /// <summary>The current size in bytes.</summary>
    public long Length => (long)Size;

    /// <summary>The whole memory as a span (valid until the memory grows).</summary>
    public Span<byte> Span => Size > int.MaxValue ? throw new InvalidOperationException("memory larger than 2 GiB; use Slice") : new Span<byte>(Base, (int)Size);

    /// <summary>
    /// A span over <paramref name="length"/> bytes at <paramref name="offset"/>; throws a
    /// <see cref="WasmTrapException"/> (out of bounds memory access) when the range is outside the memory.
    /// </summary>
    public Span<byte> Slice(uint offset, int length)
    {
        if (length < 0 || (ulong)offset + (ulong)length > Size)
        {
            throw new WasmTrapException(WasmTrapKind.MemoryOutOfBounds);
        }

        return new Span<byte>(Base + offset, length);
    }

    /// <summary>
    /// Grows by <paramref name="deltaPages"/> pages, zero-filling the new pages, and returns the previous size in
    /// pages, or -1 (leaving the memory unchanged) when the result would pass <see cref="LimitPages"/>.
    /// </summary>
    public int Grow(uint deltaPages)
    {
        var old = Pages;
        var target = (ulong)old + deltaPages;
        if (target > LimitPages)
        {
            return -1;
        }

        if (deltaPages == 0)
        {
            return (int)old;
        }

        var newSize = target * PageSize;
        byte* p;
        try
        {
            p = (byte*)NativeMemory.Realloc(Base, (nuint)newSize);
        }
        catch (OutOfMemoryException)
        {
            return -1;
        }

        NativeMemory.Clear(p + Size, (nuint)(newSize - Size));
        Base = p;
        Size = newSize;
        Pages = (uint)target;
        ReportPressure();
        return (int)old;
    }

    /// <summary>
    /// Tells the GC about the bytes beyond <see cref="UnreportedAllowance"/> not reported yet, and counts the
    /// unreported ones towards <see cref="CollectionNudge"/>.
    /// </summary>
    private void ReportPressure()
    {
        var unreported = Math.Min(Size, UnreportedAllowance);
        if (unreported > _counted)
        {
            CountUnreported((long)(unreported - _counted));
            _counted = unreported;
        }

        var due = (long)(Size > UnreportedAllowance ? Size - UnreportedAllowance : 0);
        if (due > _reportedPressure)
        {
            GC.AddMemoryPressure(due - _reportedPressure);
            _reportedPressure = due;
        }
    }

    private static void CountUnreported(long bytes)
    {
        var collections = GC.CollectionCount(0);
        if (collections != Volatile.Read(ref s_collectionsSeen))
        {
            // A collection ran since: count from zero (a racing thread may lose a few bytes of count; it is a heuristic).
            Volatile.Write(ref s_collectionsSeen, collections);
            Interlocked.Exchange(ref s_unreportedSinceCollection, 0);
        }

        if (Interlocked.Add(ref s_unreportedSinceCollection, bytes) > CollectionNudge)
        {
            Interlocked.Exchange(ref s_unreportedSinceCollection, 0);
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        }
    }

    internal static int GrowFromWasm(WasmMemory memory, int delta) => memory.Grow((uint)delta);
}
