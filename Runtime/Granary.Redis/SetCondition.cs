namespace Granary.Redis;

/// <summary>When <see cref="IRedisDatabase.StringSetAsync"/> writes the value.</summary>
public enum SetCondition
{
    /// <summary>Always (plain SET).</summary>
    Always,

    /// <summary>Only if the key does not exist (<c>NX</c>); the call returns false when it did.</summary>
    NotExists,

    /// <summary>Only if the key already exists (<c>XX</c>); the call returns false when it did not.</summary>
    Exists,
}
