using System.Diagnostics;

namespace Granary.Wasm.Runtime;

/// <summary>
/// One background thread that interrupts outermost calls running past their instance's call timeout by setting the
/// interrupt bit of <see cref="InstanceContext.CallState"/>, which compiled code polls at loop headers and function
/// entries. Polling a flag keeps calls out of loops, so the JIT can keep loop variables in registers.
/// </summary>
/// <remarks>
/// Entering and leaving a call costs the calling thread no lock and no clock read: it only writes a new call number
/// into <see cref="InstanceContext.CallState"/>. The watchdog times each call from the sweep that first sees its
/// number, so a call is interrupted no earlier than its timeout (and at most about one sweep later), and it sets the
/// bit with a compare-and-swap against the number it timed, so a call that has already ended is never flagged and a
/// later call never inherits a stale flag. An instance stays watched while it is busy and is dropped after it has
/// been idle for a while (in two sweeps, so that a call starting meanwhile is seen); its next timed call adds it again.
/// </remarks>
internal static class Watchdog
{
    private const int SweepMilliseconds = 2;

    /// <summary>Sweeps an instance may stay idle before it is no longer watched.</summary>
    private const int IdleSweepsBeforeRelease = 250;

    private static readonly Lock Gate = new();
    private static readonly HashSet<InstanceContext> Active = [];
    private static readonly List<InstanceContext> Released = [];
    private static Thread? s_thread;

    /// <summary>Starts watching <paramref name="ctx"/> (called by its thread when it enters a call unwatched).</summary>
    public static void Watch(InstanceContext ctx)
    {
        lock (Gate)
        {
            Volatile.Write(ref ctx.Watched, 1);
            ctx.WatchIdleSweeps = 0;
            ctx.WatchReleasing = false;
            Active.Add(ctx);
            if (s_thread is null)
            {
                s_thread = new Thread(Loop) { IsBackground = true, Name = "Granary.Wasm watchdog" };
                s_thread.Start();
            }
        }
    }

    private static void Loop()
    {
        while (true)
        {
            Thread.Sleep(SweepMilliseconds);
            lock (Gate)
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var ctx in Active)
                {
                    if (!Sweep(ctx, now))
                    {
                        Released.Add(ctx);
                    }
                }

                foreach (var ctx in Released)
                {
                    Active.Remove(ctx);
                }

                Released.Clear();
            }
        }
    }

    /// <summary>Checks one instance; returns false when it has been idle long enough to stop watching it.</summary>
    private static bool Sweep(InstanceContext ctx, long now)
    {
        var state = Volatile.Read(ref ctx.CallState);
        if ((state & InstanceContext.InCallBit) == 0)
        {
            if (ctx.WatchReleasing)
            {
                // Released one sweep ago and no call has been seen since: drop it, unless its thread added it again.
                ctx.WatchReleasing = false;
                return Volatile.Read(ref ctx.Watched) != 0;
            }

            if (++ctx.WatchIdleSweeps >= IdleSweepsBeforeRelease)
            {
                // Release in two steps: a call starting from now on finds Watched clear and adds the instance again;
                // one that started just before (and still saw it set) is visible by the next sweep, which keeps it.
                Interlocked.Exchange(ref ctx.Watched, 0);
                ctx.WatchReleasing = true;
            }

            return true;
        }

        if (ctx.WatchReleasing)
        {
            ctx.WatchReleasing = false;
            Volatile.Write(ref ctx.Watched, 1);
        }

        ctx.WatchIdleSweeps = 0;
        var call = state >> InstanceContext.CallNumberShift;
        if (call != ctx.WatchedCall)
        {
            ctx.WatchedCall = call;
            ctx.WatchedSince = now;
            return true;
        }

        if ((state & InstanceContext.InterruptBit) == 0 && now - ctx.WatchedSince > ctx.TimeoutTicks)
        {
            // Fails harmlessly when the call ended (or a new one started) since the read above.
            Interlocked.CompareExchange(ref ctx.CallState, state | InstanceContext.InterruptBit, state);
        }

        return true;
    }
}
