using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class FlushAndDatabaseTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Database_option_selects_that_database_for_every_command()
    {
        await using var db3 = await fixture.Server.ConnectAsync(o => o.Database = 3);
        await db3.GetDatabase().StringSetAsync("selected", "in-3");

        Assert.Equal(3, db3.GetDatabase().Database);
        Assert.True((await fixture.Db.StringGetAsync("selected")).IsNull);
        await using var viaUrl = await RedisConnection.ConnectAsync($"{fixture.Server.ConnectionString}/3");
        Assert.Equal("in-3", (string?)await viaUrl.GetDatabase().StringGetAsync("selected"));
    }

    [Fact]
    public async Task Selecting_a_database_that_does_not_exist_fails_the_connect_at_once()
    {
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => fixture.Server.ConnectAsync(o => o.Database = 99));
        Assert.Contains("SELECT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flushdb_empties_only_the_connections_database()
    {
        await using var db5 = await fixture.Server.ConnectAsync(o => o.Database = 5);
        await using var db6 = await fixture.Server.ConnectAsync(o => o.Database = 6);
        await db5.GetDatabase().StringSetAsync("k", 1);
        await db6.GetDatabase().StringSetAsync("k", 1);

        await db5.GetDatabase().FlushDatabaseAsync();

        Assert.False(await db5.GetDatabase().KeyExistsAsync("k"));
        Assert.True(await db6.GetDatabase().KeyExistsAsync("k"));
    }
}
