using System.Diagnostics;
using Granary.Grains.Identity;

namespace Granary.Grains.Nodes;

/// <summary>
/// The execution times of one instance since the last refresh: a ring of the most recent samples, so a busy
/// instance costs bounded memory. Recording reads the clock once and stores two numbers; wall-clock times are
/// computed only when the node drains the samples for its refresh.
/// </summary>
internal sealed class ExecutionSampler(int capacity)
{
    private readonly (long Start, long End)[] _ring = new (long, long)[Math.Max(1, capacity)];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    /// <summary>Records an event whose handler ran from <paramref name="start"/> to <paramref name="end"/> (<see cref="Stopwatch.GetTimestamp"/> values).</summary>
    public void Record(long start, long end)
    {
        lock (_lock)
        {
            _ring[_next] = (start, end);
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }
    }

    /// <summary>Takes the samples recorded since the previous drain, oldest first, and appends them to <paramref name="into"/>.</summary>
    public void DrainInto(InstanceId instance, List<FunctionExecutionSample> into)
    {
        (long Start, long End)[] taken;
        lock (_lock)
        {
            if (_count == 0)
            {
                return;
            }

            taken = new (long, long)[_count];
            var first = (_next - _count + _ring.Length) % _ring.Length;
            for (var i = 0; i < _count; i++)
            {
                taken[i] = _ring[(first + i) % _ring.Length];
            }

            _count = 0;
        }

        var now = DateTimeOffset.UtcNow;
        var nowTimestamp = Stopwatch.GetTimestamp();
        foreach (var (start, end) in taken)
        {
            into.Add(new FunctionExecutionSample(instance, Stopwatch.GetElapsedTime(start, end), now - Stopwatch.GetElapsedTime(end, nowTimestamp)));
        }
    }
}
