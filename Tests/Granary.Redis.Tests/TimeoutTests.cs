using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class TimeoutTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task A_late_reply_to_a_timed_out_command_is_discarded_and_later_commands_get_their_own_replies()
    {
        await using var connection = await fixture.Server.ConnectAsync(o => o.CommandTimeout = TimeSpan.FromMilliseconds(2000));
        var db = connection.GetDatabase();
        await db.StringSetAsync("timeout:k", "mine");

        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(async () => await db.ExecuteAsync("DEBUG", ["SLEEP", "2.3"]));
        Assert.Equal("DEBUG", ex.Command);
        Assert.Contains("DEBUG", ex.Message, StringComparison.Ordinal);

        // The server is still sleeping; this GET waits behind the DEBUG reply, which must not be taken for its own.
        var value = await db.StringGetAsync("timeout:k").AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("mine", (string?)value);
    }

    [Fact]
    public async Task Cancelling_a_command_after_it_was_sent_does_not_shift_the_replies_of_later_commands()
    {
        var db = fixture.Db;
        await db.StringSetAsync("cancel:k", "own-value");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await db.ExecuteAsync("DEBUG", ["SLEEP", "0.4"], cts.Token));
        var value = await db.StringGetAsync("cancel:k").AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("own-value", (string?)value);
    }
}
