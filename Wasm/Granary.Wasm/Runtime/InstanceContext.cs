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

    /// <summary>Set to 1 by the watchdog when the current call's deadline passes; polled at loops and entries.</summary>
    public int Interrupt;

    public CompiledModule Module = null!;
    public WasmFunction?[] Functions = [];
    public WasmMemory?[] Memories = [];
    public WasmTable[] Tables = [];
    public WasmGlobal[] Globals = [];
    public byte[]?[] Data = [];
    public object?[]?[] Elements = [];

    private const uint StackCheckInterval = 16 * 1024;

    private bool _fuelLimited;
    private long _timeoutTicks;

    internal IWasmInstance? Instance { get; set; }

    /// <summary>The Stopwatch timestamp after which the watchdog interrupts the current outermost call.</summary>
    internal long Deadline { get; private set; } = long.MaxValue;

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
            _timeoutTicks = Math.Max(1, (long)(timeout.TotalSeconds * Stopwatch.Frequency));
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

    /// <summary>Called when a host call enters the instance; arms the per-call deadline at the outermost entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEnter(int depth)
    {
        if (depth == 0 && _timeoutTicks != 0)
        {
            Arm();
        }
    }

    /// <summary>Called when a host call leaves the instance (normally or by a trap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnExit(int depth)
    {
        if (depth == 0 && _timeoutTicks != 0)
        {
            Watchdog.Remove(this);
        }
    }

    /// <summary>Called by the watchdog thread (under its lock) to interrupt an overdue call.</summary>
    internal void CheckDeadline(long now)
    {
        if (now > Deadline)
        {
            Volatile.Write(ref Interrupt, 1);
        }
    }

    /// <summary>The trap for a set <see cref="Interrupt"/> flag.</summary>
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
    /// the mark 16 KiB further down.
    /// </summary>
    public static unsafe void CheckStack(InstanceContext ctx)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new WasmTrapException(WasmTrapKind.CallStackExhausted);
        }

        byte probe = 0;
        ctx.StackMark = (nuint)(&probe) - StackCheckInterval;
    }

    /// <summary>The funcref for function <paramref name="index"/>, created on first use.</summary>
    public WasmFunction GetFunction(int index) => Functions[index] ?? CreateFunction(index);

    private void Arm()
    {
        Watchdog.Add(this, Stopwatch.GetTimestamp() + _timeoutTicks);
    }

    internal void SetDeadline(long deadline)
    {
        Deadline = deadline;
        Interrupt = 0;
    }

    private WasmFunction CreateFunction(int index)
    {
        var f = Module.CreateFunction(this, index);
        Functions[index] = f;
        return f;
    }
}
