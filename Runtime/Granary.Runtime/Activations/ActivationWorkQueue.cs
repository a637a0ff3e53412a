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

    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _items = new();
    private readonly Action<Exception> _onError;
    private int _scheduled;

    public ActivationWorkQueue(Action<Exception> onError)
    {
        _onError = onError;
    }

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

        Volatile.Write(ref _scheduled, 0);
        if (!_items.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }
}
