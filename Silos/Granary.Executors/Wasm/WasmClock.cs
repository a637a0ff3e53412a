using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Wasmtime;

namespace Granary.Executors.Wasm;

/// <summary>
/// The clock of one instance (<see cref="WasmClockChecks"/>): a word in the instance's store holding the deadline of
/// the event running now, in the engine's ticks. The host sets it before each event; the engine's ticker sets it to 0
/// once the deadline has come, and the guest traps at its next function entry or loop header. Created by
/// <see cref="WasmEngine.StartClock"/>; disposing it stops the ticker reading and writing it, which must happen before
/// its store is released.
/// </summary>
/// <remarks>
/// The ticker clears the word with a compare-and-swap from the deadline it found passed, so a deadline the host has set
/// meanwhile for the next event is never cleared by mistake. The word is little-endian in WebAssembly memory and read as
/// a native <see cref="ulong"/>: Wasmtime runs on little-endian hosts only.
/// </remarks>
public sealed class WasmClock : IDisposable
{
    /// <summary>The word's value while no event may run: the guest traps at its first check.</summary>
    private const ulong Stopped = 0;

    private readonly WasmEngine _engine;
    private readonly nint _page;
    private bool _disposed;

    internal WasmClock(WasmEngine engine, Memory memory)
    {
        _engine = engine;
        Memory = memory;
        // A memory of one page at most never moves.
        _page = memory.GetPointer();
    }

    /// <summary>The clock memory, for modules that import it (<see cref="WasmEventAdapter"/>).</summary>
    internal Memory Memory { get; }

    /// <summary>The clock page: the deadline in its first eight bytes; the rest is the host's.</summary>
    internal Span<byte> Page => MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref Unsafe.NullRef<byte>(), _page), Memory.PageSize);

    /// <summary>The event's time is up (or no deadline was set yet): the guest's next check traps, or did.</summary>
    public bool Expired => Volatile.Read(ref Word) == Stopped;

    private ref ulong Word => ref MemoryMarshal.AsRef<ulong>(Page);

    /// <summary>Gives the event starting now <paramref name="limit"/> of wall time (at least; up to one tick more), or none.</summary>
    public void SetDeadline(TimeSpan? limit) =>
        Volatile.Write(ref Word, limit is { } time ? (ulong)_engine.Ticks + _engine.TicksFor(time) : ulong.MaxValue);

    /// <summary>Stops the ticker using the clock.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _engine.StopClock(this);
        }
    }

    /// <summary>At tick <paramref name="now"/> (the ticker's thread, while the guest may be running): stops a guest past its deadline.</summary>
    internal void Tick(ulong now)
    {
        var deadline = Volatile.Read(ref Word);
        if (deadline != Stopped && deadline <= now)
        {
            Interlocked.CompareExchange(ref Word, Stopped, deadline);
        }
    }
}
