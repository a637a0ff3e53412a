using System.Globalization;
using System.Text.Json;

namespace Granary.Benchmarks;

/// <summary>
/// Prints metrics as one JSON object per line on stdout (the convention of ../shared/BENCH.md) and keeps them
/// for a human-readable table on stderr.
/// </summary>
public sealed class BenchReport(TextWriter stdout, TextWriter stderr)
{
    private readonly List<(string Name, double? Value, string Unit, double? Baseline, double? Ratio)> _rows = [];

    /// <summary>
    /// Reports a metric where lower is better (latencies, durations): ratio = value / baseline.
    /// </summary>
    public void Lower(string name, double value, string unit, double? baseline = null) =>
        Emit(name, value, unit, baseline, baseline is > 0 ? value / baseline.Value : null);

    /// <summary>
    /// Reports a throughput where higher is better: ratio = baseline / value, so that lower is always better.
    /// </summary>
    public void Higher(string name, double value, string unit, double? baseline = null) =>
        Emit(name, value, unit, baseline, baseline is > 0 && value > 0 ? baseline.Value / value : null);

    /// <summary>
    /// Reports a metric that could not be measured in this run (a service it needs is missing): value, baseline and
    /// ratio are null, and <paramref name="reason"/> goes to stderr.
    /// </summary>
    public void Unmeasured(string name, string unit, string reason)
    {
        stderr.WriteLine($"{name}: not measured: {reason}");
        Emit(name, null, unit, null, null);
    }

    /// <summary>Writes a free-form progress line on stderr.</summary>
    public void Note(string message) => stderr.WriteLine(message);

    private void Emit(string name, double? value, string unit, double? baseline, double? ratio)
    {
        _rows.Add((name, value, unit, baseline, ratio));
        var json = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = name,
            ["value"] = value is { } v ? Math.Round(v, 3) : null,
            ["unit"] = unit,
            ["baseline"] = baseline is { } b ? Math.Round(b, 3) : null,
            ["ratio"] = ratio is { } r ? Math.Round(r, 3) : null,
        });
        stdout.WriteLine(json);
        stdout.Flush();
    }

    /// <summary>Prints every metric reported so far as an aligned table on stderr.</summary>
    public void PrintTable()
    {
        if (_rows.Count == 0)
        {
            return;
        }

        stderr.WriteLine();
        stderr.WriteLine($"{"metric",-32} {"value",14} {"unit",-6} {"baseline",14} {"ratio",8}");
        foreach (var (name, value, unit, baseline, ratio) in _rows)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-32} {(value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-"),14} {unit,-6} {(baseline is { } b ? b.ToString("0.###", CultureInfo.InvariantCulture) : "-"),14} {(ratio is { } r ? r.ToString("0.###", CultureInfo.InvariantCulture) : "-"),8}"));
        }
    }
}
