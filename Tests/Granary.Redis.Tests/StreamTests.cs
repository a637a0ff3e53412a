using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class StreamTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly IRedisDatabase _db = fixture.Db;

    [Fact]
    public async Task Xadd_and_xrange_return_entries_with_their_fields_in_order()
    {
        var first = await _db.StreamAddAsync("s:range", [new("event", "begin"), new("n", 1)]);
        var second = await _db.StreamAddAsync("s:range", [new("event", "end"), new("n", 2)]);

        var entries = await _db.StreamRangeAsync("s:range");
        Assert.Equal([first, second], entries.Select(e => e.Id));
        Assert.Equal("begin", (string?)entries[0]["event"]);
        Assert.Equal(2, (long)entries[1]["n"]);
        Assert.Single(await _db.StreamRangeAsync("s:range", count: 1));
        Assert.Equal(2, await _db.StreamLengthAsync("s:range"));
    }

    [Fact]
    public async Task Xread_returns_only_entries_after_the_given_id()
    {
        var first = await _db.StreamAddAsync("s:read", [new("i", 1)]);
        await _db.StreamAddAsync("s:read", [new("i", 2)]);

        var after = await _db.StreamReadAsync("s:read", first);
        Assert.Equal(2, (long)Assert.Single(after)["i"]);
        Assert.Empty(await _db.StreamReadAsync("s:read", after[0].Id));
    }

    [Fact]
    public async Task Group_creation_with_mkstream_is_idempotent()
    {
        Assert.True(await _db.StreamCreateGroupAsync("s:group-create", "g", "0"));
        Assert.False(await _db.StreamCreateGroupAsync("s:group-create", "g", "0"));
        Assert.Equal(0, await _db.StreamLengthAsync("s:group-create"));
    }

    [Fact]
    public async Task Consumers_of_a_group_share_the_entries_and_acknowledged_ones_leave_the_pending_list()
    {
        const string key = "s:share";
        await _db.StreamCreateGroupAsync(key, "workers", "0");
        for (var i = 0; i < 4; i++)
        {
            await _db.StreamAddAsync(key, [new("job", i)]);
        }

        var a = await _db.StreamReadGroupAsync(key, "workers", "a", count: 2);
        var b = await _db.StreamReadGroupAsync(key, "workers", "b", count: 10);
        Assert.Equal(2, a.Length);
        Assert.Equal(2, b.Length);
        Assert.Empty(a.Select(e => e.Id).Intersect(b.Select(e => e.Id)));

        Assert.Equal(2, await _db.StreamAcknowledgeAsync(key, "workers", [.. a.Select(e => e.Id)]));
        var pending = await _db.StreamPendingAsync(key, "workers");
        Assert.Equal(b.Select(e => e.Id), pending.Select(p => p.Id));
        Assert.All(pending, p => Assert.Equal("b", p.Consumer));
    }

    [Fact]
    public async Task Entries_of_a_consumer_that_died_before_acking_are_redelivered_with_xclaim()
    {
        const string key = "s:xclaim";
        await _db.StreamCreateGroupAsync(key, "g", "0");
        var id = await _db.StreamAddAsync(key, [new("work", "resize")]);

        // Consumer "dead" reads the entry and never acknowledges it.
        Assert.Single(await _db.StreamReadGroupAsync(key, "g", "dead"));
        Assert.Empty(await _db.StreamReadGroupAsync(key, "g", "alive"));
        await Task.Delay(60);

        var stale = await _db.StreamPendingAsync(key, "g", minIdle: TimeSpan.FromMilliseconds(50));
        var entry = Assert.Single(stale);
        Assert.Equal(("dead", id, 1L), (entry.Consumer, entry.Id, entry.DeliveryCount));

        var claimed = await _db.StreamClaimAsync(key, "g", "alive", TimeSpan.FromMilliseconds(50), [id]);
        Assert.Equal("resize", (string?)Assert.Single(claimed)["work"]);
        var after = Assert.Single(await _db.StreamPendingAsync(key, "g"));
        Assert.Equal(("alive", 2L), (after.Consumer, after.DeliveryCount));
        Assert.Equal(1, await _db.StreamAcknowledgeAsync(key, "g", [id]));
        Assert.Empty(await _db.StreamPendingAsync(key, "g"));
    }

    [Fact]
    public async Task Entries_of_a_consumer_that_died_before_acking_are_redelivered_with_xautoclaim()
    {
        const string key = "s:xautoclaim";
        await _db.StreamCreateGroupAsync(key, "g", "0");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _db.StreamAddAsync(key, [new("i", i)]));
        }

        Assert.Equal(3, (await _db.StreamReadGroupAsync(key, "g", "dead")).Length);
        Assert.Empty(await _db.StreamAutoClaimAsync(key, "g", "alive", TimeSpan.FromSeconds(10)) is var none ? none.Claimed : []);
        await Task.Delay(60);

        var result = await _db.StreamAutoClaimAsync(key, "g", "alive", TimeSpan.FromMilliseconds(50));
        Assert.Equal(ids, result.Claimed.Select(e => e.Id));
        Assert.Equal("0-0", result.NextStartId);
        Assert.Empty(result.DeletedIds);

        // The new owner can also re-read its pending entries from id 0 after a restart of its own.
        var own = await _db.StreamReadGroupAsync(key, "g", "alive", "0");
        Assert.Equal(ids, own.Select(e => e.Id));
    }
}
