using System.Globalization;
using System.Text;

namespace Granary.Platform.Tests;

/// <summary>One sample line of a Prometheus exposition.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of the Prometheus text format for tests: it fails on anything the format does not allow (a sample
/// before its TYPE, a TYPE given twice, a counter not named _total, bad escapes, histogram buckets that are not
/// cumulative or whose +Inf bucket differs from _count).
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText()
    {
    }

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Helps { get; } = new(StringComparer.Ordinal);

    public List<PrometheusSample> Samples { get; } = [];

    /// <summary>Sum of the samples named <paramref name="name"/> whose labels satisfy <paramref name="where"/>.</summary>
    public double Sum(string name, Func<IReadOnlyDictionary<string, string>, bool>? where = null) =>
        Samples.Where(s => s.Name == name && (where?.Invoke(s.Labels) ?? true)).Sum(s => s.Value);

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = space < 0 ? rest : rest[..space];
                Assert.True(result.Helps.TryAdd(name, space < 0 ? string.Empty : UnescapeHelp(rest[(space + 1)..])), $"line {lineNumber}: second HELP for {name}");
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(result.Samples.Any(s => Family(result, s.Name) == parts[0]), $"line {lineNumber}: TYPE for {parts[0]} after its samples");
                Assert.True(result.Types.TryAdd(parts[0], parts[1]), $"line {lineNumber}: second TYPE for {parts[0]}");
                if (parts[1] == "counter")
                {
                    Assert.EndsWith("_total", parts[0]);
                }

                continue;
            }

            Assert.False(line.StartsWith('#'), $"line {lineNumber}: unexpected comment '{line}'");
            var sample = ParseSample(line, lineNumber);
            Assert.True(Family(result, sample.Name) is not null, $"line {lineNumber}: sample {sample.Name} has no TYPE line before it");
            result.Samples.Add(sample);
        }

        result.CheckHistograms();
        return result;
    }

    private static string? Family(PrometheusText text, string sample)
    {
        if (text.Types.ContainsKey(sample))
        {
            return sample;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && text.Types.TryGetValue(sample[..^suffix.Length], out var type) && type is "histogram" or "summary")
            {
                return sample[..^suffix.Length];
            }
        }

        return null;
    }

    private void CheckHistograms()
    {
        foreach (var family in Types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var buckets = Samples.Where(s => s.Name == family + "_bucket").GroupBy(s => Key(s.Labels));
            foreach (var series in buckets)
            {
                var ordered = series.Select(s => (Le: ParseValue(s.Labels["le"]), s.Value)).ToList();
                for (var i = 1; i < ordered.Count; i++)
                {
                    Assert.True(ordered[i].Le > ordered[i - 1].Le, $"{family}: bucket bounds are not ascending");
                    Assert.True(ordered[i].Value >= ordered[i - 1].Value, $"{family}: bucket counts are not cumulative");
                }

                Assert.Equal(double.PositiveInfinity, ordered[^1].Le);
                var count = Samples.Single(s => s.Name == family + "_count" && Key(s.Labels) == series.Key);
                Assert.Equal(count.Value, ordered[^1].Value);
                Assert.Single(Samples, s => s.Name == family + "_sum" && Key(s.Labels) == series.Key);
            }
        }
    }

    private static string Key(IReadOnlyDictionary<string, string> labels) =>
        string.Join(",", labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static PrometheusSample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        var name = line[..i];
        Assert.True(name.Length > 0 && !char.IsAsciiDigit(name[0]), $"line {lineNumber}: bad metric name in '{line}'");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var start = i;
                while (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')
                {
                    i++;
                }

                var label = line[start..i];
                Assert.True(label.Length > 0 && line[i] == '=' && line[i + 1] == '"', $"line {lineNumber}: bad label at {start} in '{line}'");
                i += 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"line {lineNumber}: bad escape \\{line[i]}"),
                        });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                i++;
                Assert.True(labels.TryAdd(label, value.ToString()), $"line {lineNumber}: label {label} twice");
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        Assert.True(i < line.Length && line[i] == ' ', $"line {lineNumber}: no value in '{line}'");
        return new PrometheusSample(name, labels, ParseValue(line[(i + 1)..]));
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string UnescapeHelp(string text) =>
        text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
}
