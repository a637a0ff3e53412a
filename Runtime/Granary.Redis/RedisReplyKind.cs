namespace Granary.Redis;

/// <summary>The RESP2/RESP3 type of a <see cref="RedisReply"/>.</summary>
public enum RedisReplyKind
{
    /// <summary>A nil: RESP2 null bulk string or null array, or RESP3 <c>_</c>.</summary>
    Null,

    /// <summary>A simple string (<c>+OK</c>).</summary>
    SimpleString,

    /// <summary>An error (<c>-ERR ...</c> or RESP3 blob error <c>!</c>).</summary>
    Error,

    /// <summary>A 64-bit integer (<c>:</c>).</summary>
    Integer,

    /// <summary>A bulk (binary-safe) string (<c>$</c>).</summary>
    BulkString,

    /// <summary>An array (<c>*</c>).</summary>
    Array,

    /// <summary>A RESP3 map (<c>%</c>): elements alternate key, value.</summary>
    Map,

    /// <summary>A RESP3 set (<c>~</c>).</summary>
    Set,

    /// <summary>A RESP3 double (<c>,</c>), including <c>inf</c>, <c>-inf</c> and <c>nan</c>.</summary>
    Double,

    /// <summary>A RESP3 boolean (<c>#t</c> / <c>#f</c>).</summary>
    Boolean,

    /// <summary>A RESP3 big number (<c>(</c>), kept as its decimal text.</summary>
    BigNumber,

    /// <summary>A RESP3 verbatim string (<c>=</c>) with a three-letter format such as <c>txt</c> or <c>mkd</c>.</summary>
    VerbatimString,

    /// <summary>A RESP3 out-of-band push message (<c>&gt;</c>), such as a pub/sub message.</summary>
    Push,
}
