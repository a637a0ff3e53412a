namespace Granary.Redis;

/// <summary>A member of a sorted set with its score.</summary>
/// <param name="Member">The member.</param>
/// <param name="Score">The score the set is ordered by.</param>
public readonly record struct SortedSetEntry(RedisValue Member, double Score);
