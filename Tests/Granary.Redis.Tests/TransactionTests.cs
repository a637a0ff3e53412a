using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class TransactionTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly IRedisDatabase _db = fixture.Db;

    [Fact]
    public async Task Exec_delivers_each_queued_reply_to_its_caller()
    {
        await _db.KeyDeleteAsync("tx:counter");
        await using var tx = _db.CreateTransaction();
        var set = tx.StringSetAsync("tx:name", "granary");
        var incr1 = tx.StringIncrementAsync("tx:counter");
        var incr2 = tx.StringIncrementAsync("tx:counter", 5);
        var get = tx.StringGetAsync("tx:name");

        Assert.False(incr1.IsCompleted, "queued commands complete only after EXEC");
        Assert.True(await tx.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal(1, await incr1);
        Assert.Equal(6, await incr2);
        Assert.Equal("granary", (string?)await get);
    }

    [Fact]
    public async Task Other_callers_commands_do_not_land_inside_a_transaction()
    {
        await using var tx = _db.CreateTransaction();
        var queued = Enumerable.Range(0, 50).Select(i => tx.StringSetAsync($"tx:block:{i}", i)).ToArray();
        var outside = Enumerable.Range(0, 200).Select(i => _db.StringSetAsync($"tx:outside:{i}", i).AsTask()).ToArray();

        Assert.True(await tx.ExecuteAsync());
        Assert.All(await Task.WhenAll(outside), Assert.True);
        Assert.All(await Task.WhenAll(queued), Assert.True);
    }

    [Fact]
    public async Task Watch_aborts_the_transaction_when_another_client_changes_the_key()
    {
        await _db.StringSetAsync("tx:watched", "before");
        await using var other = await fixture.Server.ConnectAsync();

        await using var tx = _db.CreateTransaction();
        await tx.WatchAsync(["tx:watched"]);
        var current = await _db.StringGetAsync("tx:watched");
        await other.GetDatabase().StringSetAsync("tx:watched", "changed-by-other");
        var set = tx.StringSetAsync("tx:watched", $"{current}-updated");

        Assert.False(await tx.ExecuteAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => set);
        Assert.Equal("changed-by-other", (string?)await _db.StringGetAsync("tx:watched"));
    }

    [Fact]
    public async Task Watch_commits_when_nobody_changed_the_key()
    {
        await _db.StringSetAsync("tx:cas", 10);
        await using var tx = _db.CreateTransaction();
        await tx.WatchAsync(["tx:cas"]);
        var value = (long)await _db.StringGetAsync("tx:cas");
        var set = tx.StringSetAsync("tx:cas", value * 2);

        Assert.True(await tx.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal(20, (long)await _db.StringGetAsync("tx:cas"));
    }

    [Fact]
    public async Task A_command_rejected_while_queuing_aborts_exec_with_a_server_exception()
    {
        await using var tx = _db.CreateTransaction();
        var good = tx.StringSetAsync("tx:never", "x");
        var bad = tx.AddAsync("SET", ["only-one-arg"]);

        var ex = await Assert.ThrowsAsync<RedisServerException>(() => tx.ExecuteAsync());
        Assert.Contains("EXECABORT", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RedisServerException>(() => bad);
        await Assert.ThrowsAsync<RedisServerException>(() => good);
        Assert.False(await _db.KeyExistsAsync("tx:never"));
    }

    [Fact]
    public async Task A_runtime_error_inside_exec_fails_only_that_command()
    {
        await _db.StringSetAsync("tx:string", "x");
        await using var tx = _db.CreateTransaction();
        var wrongType = tx.AddAsync("LPUSH", ["tx:string", "v"]);
        var fine = tx.StringIncrementAsync("tx:fine-counter");

        Assert.True(await tx.ExecuteAsync());
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => wrongType);
        Assert.Equal("WRONGTYPE", ex.ErrorCode);
        Assert.True(await fine > 0);
    }

    [Fact]
    public async Task A_transaction_waiting_too_long_for_a_watching_one_times_out_and_fails_its_queued_commands()
    {
        await using var connection = await fixture.Server.ConnectAsync(o => o.CommandTimeout = TimeSpan.FromMilliseconds(300));
        var db = connection.GetDatabase();
        await using var watching = db.CreateTransaction();
        await watching.WatchAsync(["tx:held"]);

        await using var waiting = db.CreateTransaction();
        var queued = waiting.StringSetAsync("tx:blocked", "x");
        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(() => waiting.ExecuteAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("another transaction", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RedisTimeoutException>(() => queued.WaitAsync(TimeSpan.FromSeconds(5)));

        // Plain commands are not held up by the watching transaction.
        Assert.True(await db.StringSetAsync("tx:plain", "ok"));
    }
}
