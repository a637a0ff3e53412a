namespace Granary.Benchmarks;

/// <summary>Small statistics helpers shared by the suites.</summary>
public static class Stats
{
    /// <summary>The median of <paramref name="samples"/> (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
