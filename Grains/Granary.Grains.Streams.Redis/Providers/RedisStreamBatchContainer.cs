using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Granary.Streams.Redis;

/// <summary>
/// The events of one <c>OnNextBatchAsync</c> call (one Redis stream entry): their stream, the events, the caller's
/// request context, and, once read, the entry id its sequence token comes from.
/// </summary>
[GenerateSerializer]
public sealed class RedisStreamBatchContainer : IBatchContainer
{
    public RedisStreamBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        StreamId = streamId;
        Events = events;
        RequestContext = requestContext;
    }

    [Id(0)]
    public StreamId StreamId { get; }

    [Id(1)]
    public List<object> Events { get; }

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; }

    /// <summary>The Redis entry id (set when read; not stored in the entry).</summary>
    [Id(3)]
    public string? EntryId { get; set; }

    [Id(4)]
    public EventSequenceTokenV2 Token { get; set; } = new(0);

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Events.OfType<T>().Select((e, i) => Tuple.Create<T, StreamSequenceToken>(e, Token.CreateSequenceTokenForEvent(i)));

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }

    /// <summary>
    /// The sequence number of a Redis entry id <c>MS-N</c>: MS × 1,000,000 + N, so tokens order as the entries do and
    /// a subscriber can rewind to one.
    /// </summary>
    public static long SequenceNumberOf(string entryId)
    {
        var dash = entryId.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(entryId.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture) * 1_000_000
            + long.Parse(entryId.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture);
    }
}
