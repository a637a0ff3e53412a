namespace Granary.Redis;

/// <summary>A pub/sub message as delivered to a subscription.</summary>
/// <param name="Channel">The channel the message was published to.</param>
/// <param name="Payload">The published payload.</param>
/// <param name="Pattern">For a pattern subscription, the pattern that matched; otherwise null.</param>
public readonly record struct RedisMessage(string Channel, RedisValue Payload, string? Pattern = null);
