using System.Collections.Concurrent;

namespace Granary.Executors.Wasm;

/// <summary>
/// The dedicated thread one WebAssembly instance runs on. Host imports such as <c>call_asm</c> must answer
/// synchronously, so they block; blocking this thread instead of a thread-pool thread keeps a chain of calls
/// between instances (ping calls pong, which calls ...) from starving the pool that grains and mailboxes run on.
/// </summary>
internal sealed class WasmEventThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();

    public WasmEventThread(string name, int stackSize)
    {
        var thread = new Thread(Run, stackSize) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Runs <paramref name="action"/> on the thread; the task completes with its result or exception.</summary>
    public Task<T> RunAsync<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add(() =>
            {
                try
                {
                    done.SetResult(action());
                }
                catch (Exception ex)
                {
                    done.SetException(ex);
                }
            });
        }
        catch (InvalidOperationException)
        {
            done.SetException(new ObjectDisposedException(nameof(WasmEventThread), "the WebAssembly instance has stopped"));
        }

        return done.Task;
    }

    /// <summary>Lets the thread end once the work already queued has run.</summary>
    public void Dispose() => _work.CompleteAdding();

    private void Run()
    {
        foreach (var action in _work.GetConsumingEnumerable())
        {
            action();
        }

        _work.Dispose();
    }
}
