namespace Granary.Redis.Internal;

/// <summary>
/// One dedicated background thread that checks the deadlines of every open connection's commands every few
/// milliseconds. A dedicated thread, not a thread-pool timer, so timeouts still fire on time when the thread pool
/// is starved, which is exactly when callers most need to learn that their command is stuck.
/// </summary>
internal static class TimeoutScheduler
{
    /// <summary>How often deadlines are checked; a timeout fires at most this much late.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(10);

    private static readonly object Sync = new();
    private static ConnectionCore[] _cores = [];
    private static Thread? _thread;

    public static void Register(ConnectionCore core)
    {
        lock (Sync)
        {
            _cores = [.. _cores, core];
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Granary.Redis timeouts" };
                _thread.Start();
            }
        }
    }

    public static void Unregister(ConnectionCore core)
    {
        lock (Sync)
        {
            _cores = [.. _cores.Where(c => !ReferenceEquals(c, core))];
        }
    }

    private static void Run()
    {
        while (true)
        {
            Thread.Sleep(Resolution);
            foreach (var core in Volatile.Read(ref _cores))
            {
                core.CheckTimeouts();
            }
        }
    }
}
