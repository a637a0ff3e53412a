namespace Granary.Redis;

/// <summary>One entry of a stream: its id and its field/value pairs in the order they were added.</summary>
public sealed class StreamEntry
{
    /// <summary>Creates an entry.</summary>
    public StreamEntry(string id, IReadOnlyList<KeyValuePair<string, RedisValue>> fields)
    {
        Id = id;
        Fields = fields;
    }

    /// <summary>The entry id (<c>milliseconds-sequence</c>).</summary>
    public string Id { get; }

    /// <summary>The field/value pairs; empty for an entry that was deleted while pending (XCLAIM reports those as nil).</summary>
    public IReadOnlyList<KeyValuePair<string, RedisValue>> Fields { get; }

    /// <summary>The value of the first field named <paramref name="field"/>, or <see cref="RedisValue.Null"/>.</summary>
    public RedisValue this[string field]
    {
        get
        {
            foreach (var pair in Fields)
            {
                if (pair.Key == field)
                {
                    return pair.Value;
                }
            }

            return RedisValue.Null;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Id} {{{string.Join(", ", Fields.Select(f => $"{f.Key}={f.Value}"))}}}";
}
