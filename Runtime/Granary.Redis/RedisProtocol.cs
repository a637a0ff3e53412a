namespace Granary.Redis;

/// <summary>The RESP version the client asks the server to speak.</summary>
public enum RedisProtocol
{
    /// <summary>RESP2, understood by every Redis version. No handshake is needed.</summary>
    Resp2 = 2,

    /// <summary>
    /// RESP3, negotiated with <c>HELLO 3</c> when the connection opens (Redis 6 or later). Replies then carry
    /// maps, sets, doubles, booleans and push messages; the typed helpers accept both shapes.
    /// </summary>
    Resp3 = 3,
}
