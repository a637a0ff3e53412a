namespace Granary.Grains.Nodes;

/// <summary>
/// Spaces the events of one instance to at most a rate per second while its node is protected: the first event
/// passes at once, each next one no sooner than 1/rate after the previous one (no burst is saved up while idle).
/// Events that must wait stay in the instance's mailbox; none is dropped. Changing the rate (or lifting it with null)
/// wakes a waiting event at once so it is reconsidered under the new rate.
/// </summary>
internal sealed class EventRateLimiter(TimeProvider time)
{
    private readonly Lock _lock = new();
    private double? _perSecond;

    /// <summary>Whether a rate is set: read without the lock on every event, which is nearly always unthrottled.</summary>
    private volatile bool _limited;
    private DateTimeOffset _next;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The current rate; null when unlimited.</summary>
    public double? PerSecond
    {
        get
        {
            lock (_lock)
            {
                return _perSecond;
            }
        }
    }

    /// <summary>Sets the rate (events per second, positive) or lifts it (null).</summary>
    public void SetRate(double? perSecond)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_perSecond == perSecond)
            {
                return;
            }

            _perSecond = perSecond is > 0 ? perSecond : null;
            _limited = _perSecond is not null;
            _next = time.GetUtcNow();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Takes the right to handle one event now (true), or says how long to wait before asking again (false, with
    /// <paramref name="wait"/> and a task that completes when the rate changes).
    /// </summary>
    public bool TryTake(out TimeSpan wait, out Task changed)
    {
        if (!_limited)
        {
            wait = TimeSpan.Zero;
            changed = Volatile.Read(ref _changed).Task;
            return true;
        }

        lock (_lock)
        {
            changed = _changed.Task;
            wait = TimeSpan.Zero;
            if (_perSecond is not { } rate)
            {
                return true;
            }

            var now = time.GetUtcNow();
            if (now < _next)
            {
                wait = _next - now;
                return false;
            }

            // Late by less than one interval (a slow wake-up): keep the pace. Idle for longer: start again from now.
            var interval = TimeSpan.FromSeconds(1 / rate);
            _next = now - _next < interval ? _next + interval : now + interval;
            return true;
        }
    }

    /// <summary>Waits until one event may be handled (at once when unlimited).</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (!TryTake(out var wait, out var changed))
        {
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sleeping = Task.Delay(wait, time, delay.Token);
            await Task.WhenAny(sleeping, changed).ConfigureAwait(false);
            await delay.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
