using System.Diagnostics;
using System.Runtime.CompilerServices;
using Granary.Wasm.Compilation;

namespace Granary.Wasm.Runtime;

/// <summary>
/// The state of one instance, passed as the last argument of every compiled function. Each compiled module
/// derives a class from it with typed fields for its memory, tables, globals and imported functions.
/// </summary>
internal abstract class InstanceContext
{
    // Read and written by generated code.
    public int Depth;
    public int MaxDepth = 10_000;

    /// <summary>Fuel left; generated code keeps it in a local and writes it back around calls.</summary>
    public long Fuel = long.MaxValue;

    /// <summary>A stack address; frames below it check the real stack again (see <see cref="CheckStack"/>).</summary>
    public nuint StackMark;

    /// <summary>
    /// The outermost timed call: its number (from bit <see cref="CallNumberShift"/> up), <see cref="InCallBit"/> while
    /// it runs, and <see cref="InterruptBit"/>, set by the <see cref="Watchdog"/> when it runs past the call timeout and
    /// polled by compiled code at loops and entries. Written only by the calling thread, except for the interrupt bit.
    /// </summary>
    public int CallState;

    public const int InterruptBit = 1;
    public const int InCallBit = 2;
    public const int CallNumberShift = 2;

    // Watchdog bookkeeping: Watched is 1 while the watchdog tracks this instance; the rest is the watchdog's own.
    internal int Watched;
    internal int WatchIdleSweeps;
    internal int WatchedCall;
    internal long WatchedSince;
    internal bool WatchReleasing;

    public CompiledModule Module = null!;
    public WasmFunction?[] Functions = [];
    public WasmMemory?[] Memories = [];
    public WasmTable[] Tables = [];
    public WasmGlobal[] Globals = [];
    public byte[]?[] Data = [];
    public object?[]?[] Elements = [];

    private const uint StackCheckInterval = 16 * 1024;

    /// <summary>The deepest stack address of this thread where the runtime's stack check passed; 0 for none yet.</summary>
    [ThreadStatic]
    private static nuint t_deepestPassed;

    private bool _fuelLimited;
    private int _callNumber;

    internal IWasmInstance? Instance { get; set; }

    /// <summary>The call timeout in Stopwatch ticks; 0 for none.</summary>
    internal long TimeoutTicks { get; private set; }

    public void ApplyLimits(WasmInstanceLimits limits)
    {
        MaxDepth = limits.MaxCallDepth;
        if (limits.Fuel is { } fuel)
        {
            _fuelLimited = true;
            Fuel = fuel;
        }

        if (limits.CallTimeout is { } timeout)
        {
            TimeoutTicks = Math.Max(1, (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        }
    }

    public long FuelRemaining => _fuelLimited ? Math.Max(Fuel, 0) : long.MaxValue;

    public void AddFuel(long amount)
    {
        if (_fuelLimited)
        {
            Fuel = Math.Max(Fuel, 0) + amount;
        }
    }

    /// <summary>Called when a host call enters the instance; the outermost entry starts a timed call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEnter(int depth)
    {
        if (depth == 0 && TimeoutTicks != 0)
        {
            Arm();
        }
    }

    /// <summary>Called when a host call leaves the instance (normally or by a trap); clears an interrupt.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnExit(int depth)
    {
        if (depth == 0 && TimeoutTicks != 0)
        {
            Volatile.Write(ref CallState, _callNumber << CallNumberShift);
        }
    }

    /// <summary>The trap for a set <see cref="InterruptBit"/>.</summary>
    public static Exception Interrupted(InstanceContext ctx) => new WasmTrapException(WasmTrapKind.DeadlineExceeded);

    /// <summary>The trap for exhausted fuel; leaves the instance with no fuel.</summary>
    public static Exception OutOfFuel(InstanceContext ctx)
    {
        ctx.Fuel = 0;
        return new WasmTrapException(WasmTrapKind.FuelExhausted);
    }

    /// <summary>
    /// Called by generated code at the instance's outermost frame and when a frame is deeper than
    /// <see cref="StackMark"/>: traps before the thread's stack runs out (at least 64 KiB must remain), then moves
    /// the mark 16 KiB further down. A frame no deeper than one this thread already checked needs no new check: the
    /// runtime's check is only made below the deepest address that passed it so far.
    /// </summary>
    public static unsafe void CheckStack(InstanceContext ctx)
    {
        byte probe = 0;
        var here = (nuint)(&probe);
        var passed = t_deepestPassed;
        if (passed == 0 || here < passed)
        {
            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                throw new WasmTrapException(WasmTrapKind.CallStackExhausted);
            }

            t_deepestPassed = here;
        }

        ctx.StackMark = here - StackCheckInterval;
    }

    /// <summary>The funcref for function <paramref name="index"/>, created on first use.</summary>
    public WasmFunction GetFunction(int index) => Functions[index] ?? CreateFunction(index);

    private void Arm()
    {
        // A new call number, then the watched check (see Watchdog for how an instance is released safely).
        _callNumber++;
        Volatile.Write(ref CallState, (_callNumber << CallNumberShift) | InCallBit);
        if (Volatile.Read(ref Watched) == 0)
        {
            Watchdog.Watch(this);
        }
    }

    private WasmFunction CreateFunction(int index)
    {
        var f = Module.CreateFunction(this, index);
        Functions[index] = f;
        return f;
    }
}
