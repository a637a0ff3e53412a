using System.Globalization;
using Granary.Streams;

namespace Granary.Runtime.Redis.Streams;

/// <summary>Positions in a Redis stream. A <see cref="StreamSequenceToken"/> of this provider carries the entry id (<c>milliseconds-sequence</c>).</summary>
public static class RedisStreamPositions
{
    /// <summary>The first event still in the stream: subscribing from here replays everything kept.</summary>
    public static StreamSequenceToken Beginning { get; } = new("0-0");

    /// <summary>
    /// The consumer-group start id that makes <paramref name="token"/>'s entry the next one delivered: consumer groups
    /// deliver entries after their position, so this is the id just before the token's.
    /// </summary>
    internal static string StartIdFor(StreamSequenceToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Position.Split('-');
        if (parts.Length != 2 ||
            !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ||
            !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            throw new ArgumentException($"'{token.Position}' is not a Redis stream position (expected milliseconds-sequence, such as 1700000000000-0).", nameof(token));
        }

        if (seq > 0)
        {
            return $"{ms.ToString(CultureInfo.InvariantCulture)}-{(seq - 1).ToString(CultureInfo.InvariantCulture)}";
        }

        return ms > 0 ? $"{(ms - 1).ToString(CultureInfo.InvariantCulture)}-{ulong.MaxValue.ToString(CultureInfo.InvariantCulture)}" : "0";
    }
}
