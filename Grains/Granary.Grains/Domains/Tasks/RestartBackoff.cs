namespace Granary.Grains.Domains.Tasks;

/// <summary>
/// The exponential back-off of one task's restarts: <see cref="TaskOptions.InitialBackoff"/> (1 s) doubling per
/// consecutive end up to <see cref="TaskOptions.MaxBackoff"/> (1 min); an end more than
/// <see cref="TaskOptions.BackoffResetAfter"/> (10 min) after the previous one starts over.
/// </summary>
public sealed class RestartBackoff(TaskOptions options)
{
    private int _consecutive;
    private DateTimeOffset? _lastEnd;

    /// <summary>Ends counted since the back-off last started over.</summary>
    public int Consecutive => _consecutive;

    /// <summary>Records an end at <paramref name="now"/> and returns how long to wait before the restart.</summary>
    public TimeSpan NextDelay(DateTimeOffset now)
    {
        if (_lastEnd is { } last && now - last >= options.BackoffResetAfter)
        {
            _consecutive = 0;
        }

        _lastEnd = now;
        var delay = Delay(_consecutive, options);
        _consecutive++;
        return delay;
    }

    /// <summary>The wait before restart number <paramref name="consecutive"/> + 1 of a series: initial × 2^consecutive, capped.</summary>
    public static TimeSpan Delay(int consecutive, TaskOptions options)
    {
        var ticks = options.InitialBackoff.Ticks;
        for (var i = 0; i < consecutive && ticks < options.MaxBackoff.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, options.MaxBackoff.Ticks));
    }
}
