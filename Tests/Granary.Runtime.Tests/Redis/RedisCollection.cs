namespace Granary.Runtime.Tests.Redis;

/// <summary>The test classes that share one redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
