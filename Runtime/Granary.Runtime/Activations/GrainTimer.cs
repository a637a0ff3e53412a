namespace Granary.Runtime.Activations;

/// <summary>
/// A grain timer: each tick is queued as a turn of its activation (it never overlaps a non-interleaving turn), and
/// the next tick is scheduled only after the callback completes, so ticks never pile up.
/// </summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeSpan _dueTime;
    private readonly TimeSpan _period;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period, TimeProvider time)
    {
        _activation = activation;
        _callback = callback;
        _dueTime = dueTime;
        _period = period;
        _timer = time.CreateTimer(static s => ((GrainTimer)s!).OnFire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start() => _timer.Change(_dueTime, Timeout.InfiniteTimeSpan);

    private void OnFire()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _activation.Enqueue(new Tick(this));
        }
    }

    private void ScheduleNext()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        if (_period == Timeout.InfiniteTimeSpan)
        {
            Dispose();
            return;
        }

        try
        {
            _timer.Change(_period, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private sealed class Tick(GrainTimer timer) : IncomingRequest
    {
        public override Invocation.Invokable? Invokable => null;

        public override async ValueTask<object?> RunAsync(object grain)
        {
            if (!timer._disposed.IsCancellationRequested)
            {
                await timer._callback(timer._disposed.Token);
            }

            return null;
        }

        public override void Complete(object? result) => timer.ScheduleNext();

        public override void Fail(Exception exception) => timer.ScheduleNext();

        public override void Reroute(string reason) => timer.Dispose();

        public override void Expire() => timer.ScheduleNext();

        public override string ToString() => "timer tick";
    }
}
