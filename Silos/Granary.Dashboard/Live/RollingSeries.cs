namespace Granary.Dashboard.Live;

/// <summary>
/// Points (a time and a few values) kept for a time window: adding a point drops those older than the window. Not
/// thread-safe; its owner serialises access.
/// </summary>
public sealed class RollingSeries(TimeSpan window, int width)
{
    private readonly Queue<(DateTimeOffset At, double[] Values)> _points = new();

    /// <summary>When the latest point was added.</summary>
    public DateTimeOffset Last { get; private set; }

    /// <summary>Adds a point at <paramref name="at"/> with <paramref name="values"/> (as many as the series' width).</summary>
    public void Add(DateTimeOffset at, params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != width)
        {
            throw new ArgumentException($"Expected {width} values, got {values.Length}.", nameof(values));
        }

        _points.Enqueue((at, values));
        Last = at;
        while (_points.Count > 0 && _points.Peek().At < at - window)
        {
            _points.Dequeue();
        }
    }

    /// <summary>The times of the points in Unix seconds, oldest first.</summary>
    public double[] Times() => _points.Select(p => p.At.ToUnixTimeMilliseconds() / 1000.0).ToArray();

    /// <summary>The <paramref name="index"/>th value of each point, oldest first.</summary>
    public double[] Values(int index) => _points.Select(p => p.Values[index]).ToArray();
}
