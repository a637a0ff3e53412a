namespace Granary.Redis;

/// <summary>Which field of a <see cref="RedisValue"/> holds its content.</summary>
internal enum RedisValueKind : byte
{
    Null,
    String,
    Bytes,
    Int64,
    Double,
}
