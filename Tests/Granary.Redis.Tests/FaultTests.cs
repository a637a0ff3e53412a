using System.Diagnostics;
using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

/// <summary>Against a scripted fake server: malformed replies, a server that closes mid-reply, a server that never answers.</summary>
public sealed class FaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task An_unknown_type_byte_fails_the_command_with_a_protocol_exception_naming_it()
    {
        await using var server = new FakeRedisServer(_ => FakeReply.Raw("?garbage\r\n"));
        await using var connection = await RedisConnection.ConnectAsync(server.Options());

        var ex = await Assert.ThrowsAsync<RedisProtocolException>(() => connection.GetDatabase().StringGetAsync("k").AsTask().WaitAsync(Bound));
        Assert.Contains("unknown RESP type byte 0x3F", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_bulk_length_fails_the_command_with_a_protocol_exception_naming_it()
    {
        await using var server = new FakeRedisServer(_ => FakeReply.Raw("$12x\r\nabc\r\n"));
        await using var connection = await RedisConnection.ConnectAsync(server.Options());

        var ex = await Assert.ThrowsAsync<RedisProtocolException>(() => connection.GetDatabase().StringGetAsync("k").AsTask().WaitAsync(Bound));
        Assert.Contains("bulk string length \"12x\" is not an integer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_closing_in_the_middle_of_a_reply_gives_a_protocol_exception_not_a_hang()
    {
        await using var server = new FakeRedisServer(_ => FakeReply.Raw("$10\r\nhello", closeAfter: true));
        await using var connection = await RedisConnection.ConnectAsync(server.Options());

        var ex = await Assert.ThrowsAsync<RedisProtocolException>(() => connection.GetDatabase().StringGetAsync("k").AsTask().WaitAsync(Bound));
        Assert.Contains("closed the connection in the middle of a reply", ex.Message, StringComparison.Ordinal);
        Assert.Contains("incomplete bulk string", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_closing_without_replying_fails_the_command_with_a_connection_exception()
    {
        await using var server = new FakeRedisServer(_ => new FakeReply([], CloseAfter: true));
        await using var connection = await RedisConnection.ConnectAsync(server.Options());

        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => connection.GetDatabase().StringGetAsync("k").AsTask().WaitAsync(Bound));
        Assert.Contains("GET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_protocol_error_the_client_reconnects_and_works_again()
    {
        var malformedOnce = 0;
        await using var server = new FakeRedisServer(command =>
            command[0] == "GET" && Interlocked.Exchange(ref malformedOnce, 1) == 0
                ? FakeReply.Raw("*1\r\n#maybe\r\n")
                : FakeReply.Raw("$2\r\nok\r\n"));
        await using var connection = await RedisConnection.ConnectAsync(server.Options());
        var db = connection.GetDatabase();

        var ex = await Assert.ThrowsAsync<RedisProtocolException>(() => db.StringGetAsync("k").AsTask().WaitAsync(Bound));
        Assert.Contains("boolean", ex.Message, StringComparison.Ordinal);
        Assert.Equal("ok", (string?)await db.StringGetAsync("k").AsTask().WaitAsync(Bound));
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task A_reply_nobody_asked_for_is_a_protocol_error()
    {
        await using var server = new FakeRedisServer(_ => FakeReply.Raw("+OK\r\n+EXTRA\r\n"));
        await using var connection = await RedisConnection.ConnectAsync(server.Options());
        var db = connection.GetDatabase();

        await db.ExecuteAsync("PING").AsTask().WaitAsync(Bound);
        var clock = Stopwatch.StartNew();
        while (connection.IsConnected && clock.Elapsed < Bound)
        {
            await Task.Delay(10);
        }

        Assert.True(server.Connections >= 2 || !connection.IsConnected, "the connection was dropped after the unexpected reply");
    }

    [Fact]
    public async Task A_timeout_names_the_pending_command_how_long_it_waited_and_how_many_others_were_in_flight()
    {
        await using var server = new FakeRedisServer(_ => FakeReply.None);
        await using var connection = await RedisConnection.ConnectAsync(server.Options(commandTimeout: TimeSpan.FromMilliseconds(300)));
        var db = connection.GetDatabase();

        var get = db.StringGetAsync("the-key").AsTask();
        var others = Enumerable.Range(0, 3).Select(i => db.StringIncrementAsync($"c{i}").AsTask()).ToArray();
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(() => get.WaitAsync(Bound));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        Assert.Equal("GET", ex.Command);
        Assert.True(ex.WasSent);
        Assert.Equal(3, ex.InFlight);
        Assert.Contains("Timeout awaiting the reply to GET after", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(command timeout 300 ms)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 other command(s) were in flight", ex.Message, StringComparison.Ordinal);
        foreach (var other in others)
        {
            var otherEx = await Assert.ThrowsAsync<RedisTimeoutException>(() => other.WaitAsync(Bound));
            Assert.Contains("INCR", otherEx.Message, StringComparison.Ordinal);
        }
    }
}
