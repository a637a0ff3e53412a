using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class CommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly IRedisDatabase _db = fixture.Db;

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        Assert.True((await _db.StringGetAsync("missing")).IsNull);
    }

    [Fact]
    public async Task Set_with_expiry_sets_a_time_to_live()
    {
        Assert.True(await _db.StringSetAsync("ttl", "v", TimeSpan.FromSeconds(30)));
        var ttl = await _db.KeyTimeToLiveAsync("ttl");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        Assert.Null(await _db.KeyTimeToLiveAsync("no-such-key"));
    }

    [Fact]
    public async Task Set_not_exists_only_writes_once()
    {
        await _db.KeyDeleteAsync("nx");
        Assert.True(await _db.StringSetAsync("nx", "first", condition: SetCondition.NotExists));
        Assert.False(await _db.StringSetAsync("nx", "second", condition: SetCondition.NotExists));
        Assert.Equal("first", (string?)await _db.StringGetAsync("nx"));
    }

    [Fact]
    public async Task Set_exists_only_overwrites_an_existing_key()
    {
        await _db.KeyDeleteAsync("xx");
        Assert.False(await _db.StringSetAsync("xx", "v", condition: SetCondition.Exists));
        Assert.False(await _db.KeyExistsAsync("xx"));
        await _db.StringSetAsync("xx", "a");
        Assert.True(await _db.StringSetAsync("xx", "b", condition: SetCondition.Exists));
        Assert.Equal("b", (string?)await _db.StringGetAsync("xx"));
    }

    [Fact]
    public async Task Mget_returns_values_in_key_order_with_nulls_for_missing_keys()
    {
        await _db.StringSetAsync("m1", "one");
        await _db.StringSetAsync("m3", 3);
        var values = await _db.StringGetManyAsync(["m1", "m2-missing", "m3"]);
        Assert.Equal("one", (string?)values[0]);
        Assert.True(values[1].IsNull);
        Assert.Equal(3, (long)values[2]);
    }

    [Fact]
    public async Task Incr_del_exists_and_expire_behave_as_redis_documents()
    {
        await _db.KeyDeleteAsync("counter");
        Assert.Equal(1, await _db.StringIncrementAsync("counter"));
        Assert.Equal(11, await _db.StringIncrementAsync("counter", 10));
        Assert.True(await _db.KeyExistsAsync("counter"));
        Assert.True(await _db.KeyExpireAsync("counter", TimeSpan.FromMinutes(1)));
        Assert.False(await _db.KeyExpireAsync("no-such-key", TimeSpan.FromMinutes(1)));
        Assert.True(await _db.KeyDeleteAsync("counter"));
        Assert.False(await _db.KeyDeleteAsync("counter"));
        await _db.StringSetAsync("d1", 1);
        await _db.StringSetAsync("d2", 2);
        Assert.Equal(2, await _db.KeyDeleteAsync(["d1", "d2", "d3"]));
    }

    [Fact]
    public async Task Hash_set_get_getall_and_delete()
    {
        await _db.KeyDeleteAsync("h");
        Assert.True(await _db.HashSetAsync("h", "a", "1"));
        Assert.False(await _db.HashSetAsync("h", "a", "2"));
        Assert.Equal(2, await _db.HashSetAsync("h", [new("b", "x"), new("c", 3)]));
        Assert.Equal("2", (string?)await _db.HashGetAsync("h", "a"));
        Assert.True((await _db.HashGetAsync("h", "zzz")).IsNull);
        var all = await _db.HashGetAllAsync("h");
        Assert.Equal(3, all.Count);
        Assert.Equal("x", (string?)all["b"]);
        Assert.Equal(2, await _db.HashDeleteAsync("h", ["a", "b", "nope"]));
        Assert.Empty(await _db.HashGetAllAsync("missing-hash"));
    }

    [Fact]
    public async Task List_push_pop_range_length_and_trim()
    {
        await _db.KeyDeleteAsync("l");
        Assert.Equal(3, await _db.ListRightPushAsync("l", ["b", "c", "d"]));
        Assert.Equal(4, await _db.ListLeftPushAsync("l", "a"));
        Assert.Equal(["a", "b", "c", "d"], (await _db.ListRangeAsync("l")).Select(v => v.ToString()));
        Assert.Equal("a", (string?)await _db.ListLeftPopAsync("l"));
        await _db.ListTrimAsync("l", 0, 1);
        Assert.Equal(2, await _db.ListLengthAsync("l"));
        Assert.Equal(["b", "c"], (await _db.ListRangeAsync("l")).Select(v => v.ToString()));
        Assert.True((await _db.ListLeftPopAsync("empty-list")).IsNull);
    }

    [Fact]
    public async Task Sorted_set_add_range_by_rank_and_score_and_remove()
    {
        await _db.KeyDeleteAsync("z");
        Assert.True(await _db.SortedSetAddAsync("z", "b", 2));
        Assert.Equal(2, await _db.SortedSetAddAsync("z", [new("a", 1), new("c", 3.5)]));
        Assert.False(await _db.SortedSetAddAsync("z", "a", 0.5));
        Assert.Equal(["a", "b", "c"], (await _db.SortedSetRangeAsync("z")).Select(v => v.ToString()));
        var scored = await _db.SortedSetRangeWithScoresAsync("z");
        Assert.Equal([0.5, 2, 3.5], scored.Select(e => e.Score));
        Assert.Equal(["b", "c"], (await _db.SortedSetRangeByScoreAsync("z", 1, 10)).Select(v => v.ToString()));
        Assert.Equal(["b"], (await _db.SortedSetRangeByScoreAsync("z", skip: 1, take: 1)).Select(v => v.ToString()));
        Assert.Equal(1, await _db.SortedSetRemoveAsync("z", ["a", "nope"]));
    }

    [Fact]
    public async Task Scan_iterates_every_matching_key_across_pages()
    {
        var keys = Enumerable.Range(0, 300).Select(i => $"scan:{i}").ToArray();
        foreach (var key in keys)
        {
            await _db.StringSetAsync(key, 1);
        }

        var seen = new HashSet<string>();
        await foreach (var key in _db.ScanAsync("scan:*", pageSize: 50))
        {
            seen.Add(key);
        }

        Assert.Equal(keys.Order(), seen.Order());
    }

    [Fact]
    public async Task Ping_measures_a_round_trip()
    {
        var rtt = await _db.PingAsync();
        Assert.True(rtt > TimeSpan.Zero && rtt < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Generic_execute_returns_the_raw_reply()
    {
        await _db.ExecuteAsync("SET", ["raw", "value"]);
        var reply = await _db.ExecuteAsync("GET", ["raw"]);
        Assert.Equal(RedisReplyKind.BulkString, reply.Kind);
        Assert.Equal("value", reply.AsString());
        var info = await _db.ExecuteAsync("INFO", ["server"]);
        Assert.Contains("redis_version", info.AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_reply_throws_a_server_exception_and_the_connection_stays_usable()
    {
        await _db.StringSetAsync("not-a-list", "x");
        var ex = await Assert.ThrowsAsync<RedisServerException>(async () => await _db.ListLengthAsync("not-a-list"));
        Assert.Equal("WRONGTYPE", ex.ErrorCode);
        Assert.Equal("LLEN", ex.Command);
        Assert.Equal("x", (string?)await _db.StringGetAsync("not-a-list"));
    }

    [Theory]
    [InlineData("MULTI")]
    [InlineData("subscribe")]
    [InlineData("SELECT")]
    [InlineData("WATCH")]
    public async Task Commands_that_change_the_shared_connection_state_are_rejected(string command)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await _db.ExecuteAsync(command, ["x"]));
        Assert.Contains("shared connection", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_token_fails_the_command_before_it_is_sent()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await _db.StringGetAsync("k", cts.Token));
        Assert.True(await _db.StringSetAsync("after-cancel", "ok"));
    }
}
