using System.Collections.Concurrent;

namespace Granary.Runtime.Activations;

/// <summary>
/// The serial executor of one activation, installed as the <see cref="SynchronizationContext"/> while its code runs:
/// every continuation of the grain's awaits is posted back here, so the grain's code never runs on two threads at
/// once, even when turns interleave. Work runs on the thread pool in batches.
/// </summary>
internal sealed class ActivationWorkQueue : SynchronizationContext, IThreadPoolWorkItem
{
    private const int BatchSize = 64;
    private const int MaxInlineDepth = 4;

    [ThreadStatic]
    private static int t_inlineDepth;

    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _items = new();
    private readonly Action<Exception> _onError;
    private int _scheduled;

    public ActivationWorkQueue(Action<Exception> onError)
    {
        _onError = onError;
    }

    /// <summary>Work items waiting to run.</summary>
    public int PendingCount => _items.Count;

    /// <summary>True while a thread is executing this queue's work.</summary>
    public bool IsRunningOnCurrentThread => Current == this;

    public override void Post(SendOrPostCallback d, object? state)
    {
        _items.Enqueue((d, state));
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Grain code cannot block on its own activation's context.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>
    /// Runs <paramref name="callback"/> on the calling thread if no other thread is executing this queue (and the
    /// inline nesting depth is small), holding the queue meanwhile so that nothing else of this activation runs
    /// concurrently. Returns false, doing nothing, when it cannot: the caller then posts the work instead.
    /// </summary>
    public bool TryRunInline(SendOrPostCallback callback, object? state)
    {
        if (t_inlineDepth >= MaxInlineDepth || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
        {
            return false;
        }

        var previous = Current;
        SetSynchronizationContext(this);
        t_inlineDepth++;
        try
        {
            callback(state);
        }
        catch (Exception ex)
        {
            _onError(ex);
        }
        finally
        {
            t_inlineDepth--;
            SetSynchronizationContext(previous);
        }

        // A full fence: the release must be visible before the emptiness check, or a concurrent Post can be stranded.
        Interlocked.Exchange(ref _scheduled, 0);
        if (!_items.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        return true;
    }

    void IThreadPoolWorkItem.Execute()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            for (var i = 0; i < BatchSize && _items.TryDequeue(out var item); i++)
            {
                try
                {
                    item.Callback(item.State);
                }
                catch (Exception ex)
                {
                    _onError(ex);
                }
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }

        // A full fence: the release must be visible before the emptiness check, or a concurrent Post can be stranded.
        Interlocked.Exchange(ref _scheduled, 0);
        if (!_items.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }
}
