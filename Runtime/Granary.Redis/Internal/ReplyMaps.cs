namespace Granary.Redis.Internal;

/// <summary>
/// Static (allocation-free to pass) converters from raw replies to the typed helpers' results. Each accepts both
/// the RESP2 and the RESP3 shape of its reply.
/// </summary>
internal static class ReplyMaps
{
    public static readonly Func<RedisReply, RedisReply> Raw = static r => r;
    public static readonly Func<RedisReply, RedisValue> Value = static r => r.ToValue();
    public static readonly Func<RedisReply, long> Int64 = static r => r.AsInt64();
    public static readonly Func<RedisReply, bool> Boolean = static r => r.AsBoolean();
    public static readonly Func<RedisReply, bool> IsOk = static r => r.Kind == RedisReplyKind.SimpleString || (!r.IsNull && r.AsBoolean());
    public static readonly Func<RedisReply, bool> Ignore = static _ => true;
    public static readonly Func<RedisReply, string> Text = static r => r.AsString() ?? string.Empty;
    public static readonly Func<RedisReply, RedisValue[]> Values = static r => ToValues(r);
    public static readonly Func<RedisReply, Dictionary<string, RedisValue>> Hash = static r => ToHash(r);
    public static readonly Func<RedisReply, SortedSetEntry[]> ScoredEntries = static r => ToScoredEntries(r);
    public static readonly Func<RedisReply, StreamEntry[]> StreamEntries = static r => ToStreamEntries(r);
    public static readonly Func<RedisReply, StreamEntry[]> StreamRead = static r => ToStreamRead(r);
    public static readonly Func<RedisReply, StreamPendingEntry[]> Pending = static r => ToPending(r);
    public static readonly Func<RedisReply, StreamAutoClaimResult> AutoClaim = static r => ToAutoClaim(r);

    public static readonly Func<RedisReply, TimeSpan?> TimeToLive = static r =>
        r.AsInt64() is var ms && ms < 0 ? null : TimeSpan.FromMilliseconds(ms);

    public static RedisValue[] ToValues(RedisReply reply)
    {
        var elements = reply.ElementArray;
        var values = new RedisValue[elements.Length];
        for (var i = 0; i < elements.Length; i++)
        {
            values[i] = elements[i].ToValue();
        }

        return values;
    }

    private static Dictionary<string, RedisValue> ToHash(RedisReply reply)
    {
        var elements = reply.ElementArray;
        var hash = new Dictionary<string, RedisValue>(elements.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < elements.Length; i += 2)
        {
            hash[elements[i].AsString()!] = elements[i + 1].ToValue();
        }

        return hash;
    }

    private static SortedSetEntry[] ToScoredEntries(RedisReply reply)
    {
        var elements = reply.ElementArray;
        if (elements.Length > 0 && elements[0].IsAggregate)
        {
            // RESP3: [[member, score], ...]
            var pairs = new SortedSetEntry[elements.Length];
            for (var i = 0; i < elements.Length; i++)
            {
                pairs[i] = new SortedSetEntry(elements[i][0].ToValue(), elements[i][1].AsDouble());
            }

            return pairs;
        }

        var entries = new SortedSetEntry[elements.Length / 2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new SortedSetEntry(elements[2 * i].ToValue(), elements[(2 * i) + 1].AsDouble());
        }

        return entries;
    }

    private static StreamEntry[] ToStreamEntries(RedisReply reply)
    {
        var elements = reply.ElementArray;
        var entries = new List<StreamEntry>(elements.Length);
        foreach (var element in elements)
        {
            if (element.IsNull)
            {
                continue;
            }

            var id = element[0].AsString()!;
            var fieldReply = element.Count > 1 ? element[1] : RedisReply.Null;
            var flat = fieldReply.ElementArray;
            var fields = new KeyValuePair<string, RedisValue>[flat.Length / 2];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = new KeyValuePair<string, RedisValue>(flat[2 * i].AsString()!, flat[(2 * i) + 1].ToValue());
            }

            entries.Add(new StreamEntry(id, fields));
        }

        return [.. entries];
    }

    private static StreamEntry[] ToStreamRead(RedisReply reply)
    {
        if (reply.IsNull)
        {
            return [];
        }

        var elements = reply.ElementArray;
        if (reply.Kind == RedisReplyKind.Map)
        {
            // RESP3: {key: entries}
            return elements.Length >= 2 ? ToStreamEntries(elements[1]) : [];
        }

        // RESP2: [[key, entries]]
        return elements.Length >= 1 ? ToStreamEntries(elements[0][1]) : [];
    }

    private static StreamPendingEntry[] ToPending(RedisReply reply)
    {
        var elements = reply.ElementArray;
        var pending = new StreamPendingEntry[elements.Length];
        for (var i = 0; i < elements.Length; i++)
        {
            var row = elements[i];
            pending[i] = new StreamPendingEntry(
                row[0].AsString()!, row[1].AsString()!, TimeSpan.FromMilliseconds(row[2].AsInt64()), row[3].AsInt64());
        }

        return pending;
    }

    private static StreamAutoClaimResult ToAutoClaim(RedisReply reply)
    {
        var deleted = reply.Count > 2 ? ToValues(reply[2]).Select(v => v.ToString()!).ToArray() : [];
        return new StreamAutoClaimResult(reply[0].AsString()!, ToStreamEntries(reply[1]), deleted);
    }
}
