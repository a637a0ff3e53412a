namespace Granary.Grains.Workflows;

/// <summary>
/// The <c>k1=v1,k2=v2</c> convention of the <c>init-payload</c> annotation. The platform hands the annotation to the
/// function verbatim; this helper is for functions and tools that follow the convention.
/// </summary>
public static class InitPayload
{
    /// <summary>
    /// Splits <paramref name="payload"/> at commas, then each item at its first <c>=</c>: the value keeps any further
    /// <c>=</c> and its spaces (<c>message=hello world</c> gives <c>hello world</c>). Empty items are skipped, an item
    /// without <c>=</c> becomes a key with an empty value, and a repeated key keeps its last value. Keys and values
    /// are not trimmed, so nothing written in the annotation is lost.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string? payload)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(payload))
        {
            return result;
        }

        foreach (var item in payload.Split(','))
        {
            if (item.Length == 0)
            {
                continue;
            }

            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                result[item] = string.Empty;
            }
            else
            {
                result[item[..eq]] = item[(eq + 1)..];
            }
        }

        return result;
    }

    /// <summary>
    /// Writes <paramref name="values"/> back in the convention, in enumeration order. Keys and values containing a
    /// comma, and keys containing <c>=</c>, cannot be represented and are rejected.
    /// </summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var parts = new List<string>();
        foreach (var (key, value) in values)
        {
            if (key.Length == 0 || key.Contains(',', StringComparison.Ordinal) || key.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Key '{key}' cannot be written in the k=v,k=v convention.", nameof(values));
            }

            if (value.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Value of '{key}' contains a comma and cannot be written in the k=v,k=v convention.", nameof(values));
            }

            parts.Add(key + "=" + value);
        }

        return string.Join(',', parts);
    }
}
