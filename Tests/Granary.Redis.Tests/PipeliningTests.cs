using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class PipeliningTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly IRedisDatabase _db = fixture.Db;

    [Fact]
    public async Task Ten_thousand_pipelined_commands_all_get_their_own_reply_in_order()
    {
        const int count = 10_000;
        var key = "pipeline:counter";
        await _db.KeyDeleteAsync(key);

        // Issue everything before awaiting anything: the commands share the socket and the replies come back FIFO.
        var increments = new ValueTask<long>[count];
        for (var i = 0; i < count; i++)
        {
            increments[i] = _db.StringIncrementAsync(key);
        }

        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i + 1, await increments[i]);
        }
    }

    [Fact]
    public async Task Pipelined_sets_and_gets_of_distinct_keys_return_each_callers_value()
    {
        const int count = 10_000;
        var sets = new ValueTask<bool>[count];
        for (var i = 0; i < count; i++)
        {
            sets[i] = _db.StringSetAsync($"pipeline:k{i}", $"value-{i}");
        }

        foreach (var set in sets)
        {
            Assert.True(await set);
        }

        var gets = new ValueTask<RedisValue>[count];
        for (var i = 0; i < count; i++)
        {
            gets[i] = _db.StringGetAsync($"pipeline:k{i}");
        }

        for (var i = 0; i < count; i++)
        {
            Assert.Equal($"value-{i}", (string?)await gets[i]);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Concurrent_callers_on_many_threads_each_read_their_own_writes(bool runContinuationsAsynchronously)
    {
        await using var connection = await fixture.Server.ConnectAsync(o => o.RunContinuationsAsynchronously = runContinuationsAsynchronously);
        var db = connection.GetDatabase();
        var callers = Enumerable.Range(0, 32).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var key = $"concurrent:{runContinuationsAsynchronously}:{caller}:{i}";
                var value = $"{caller}-{i}-{Guid.NewGuid()}";
                Assert.True(await db.StringSetAsync(key, value));
                Assert.Equal(value, (string?)await db.StringGetAsync(key));
            }
        }));

        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Binary_values_round_trip_unchanged()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await _db.StringSetAsync("binary", bytes);
        var read = await _db.StringGetAsync("binary");
        Assert.Equal(bytes, read.ToByteArray());
    }

    [Fact]
    public async Task Large_values_spanning_many_socket_reads_round_trip()
    {
        var large = new string('x', 3 * 1024 * 1024) + "end";
        await _db.StringSetAsync("large", large);
        Assert.Equal(large, (string?)await _db.StringGetAsync("large"));
    }
}
