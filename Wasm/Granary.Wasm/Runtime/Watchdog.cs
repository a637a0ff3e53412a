using System.Diagnostics;

namespace Granary.Wasm.Runtime;

/// <summary>
/// One background thread that interrupts calls running past their deadline by setting
/// <see cref="InstanceContext.Interrupt"/>, which compiled code polls at loop headers and function entries. Polling
/// a flag keeps calls out of loops, so the JIT can keep loop variables in registers.
/// </summary>
internal static class Watchdog
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<InstanceContext> Active = [];
    private static Thread? s_thread;

    public static void Add(InstanceContext ctx, long deadline)
    {
        lock (Gate)
        {
            ctx.SetDeadline(deadline);
            Active.Add(ctx);
            if (s_thread is null)
            {
                s_thread = new Thread(Loop) { IsBackground = true, Name = "Granary.Wasm watchdog" };
                s_thread.Start();
            }
        }
    }

    public static void Remove(InstanceContext ctx)
    {
        lock (Gate)
        {
            // Clear a flag raised for the call that just ended, so calls that enter without arming a deadline
            // (from another instance) are not interrupted by it.
            Active.Remove(ctx);
            Volatile.Write(ref ctx.Interrupt, 0);
        }
    }

    private static void Loop()
    {
        while (true)
        {
            Thread.Sleep(2);
            lock (Gate)
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var ctx in Active)
                {
                    ctx.CheckDeadline(now);
                }
            }
        }
    }
}
