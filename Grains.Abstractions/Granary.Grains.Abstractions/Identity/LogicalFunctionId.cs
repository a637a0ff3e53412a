using System.Diagnostics.CodeAnalysis;

namespace Granary.Grains.Identity;

/// <summary>
/// A logical function or resource of a running workflow (EDGELESS's logical id, LID): stable while its physical
/// instances come and go, are restarted or migrate. Written as a plain UUID, as in the Redis keys
/// <c>instance:LID</c> and <c>dependency:LID</c>.
/// </summary>
/// <param name="Value">The UUID.</param>
[GenerateSerializer]
[Immutable]
public readonly record struct LogicalFunctionId([property: Id(0)] Guid Value) : ISpanParsable<LogicalFunctionId>
{
    /// <summary>A fresh random id.</summary>
    public static LogicalFunctionId New() => new(Guid.NewGuid());

    /// <summary>The UUID in its standard text form (<c>D</c> format).</summary>
    public override string ToString() => Value.ToString("D");

    /// <summary>Parses any UUID text form.</summary>
    public static LogicalFunctionId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s));

    /// <summary>Parses any UUID text form.</summary>
    public static LogicalFunctionId Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null) => new(Guid.Parse(s));

    /// <summary>Parses any UUID text form; false on other text.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out LogicalFunctionId result) =>
        TryParse(s.AsSpan(), provider, out result);

    /// <summary>Parses any UUID text form; false on other text.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out LogicalFunctionId result)
    {
        var ok = Guid.TryParse(s, out var value);
        result = new LogicalFunctionId(value);
        return ok;
    }
}
