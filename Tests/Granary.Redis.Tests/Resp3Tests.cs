using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

/// <summary>Against a real server speaking RESP3 (HELLO 3); DEBUG PROTOCOL makes it send each RESP3 type.</summary>
public sealed class Resp3Tests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private RedisConnection? _connection;

    private IRedisDatabase Db => _connection!.GetDatabase();

    public async Task InitializeAsync() => _connection = await fixture.Server.ConnectAsync(o => o.Protocol = RedisProtocol.Resp3);

    public async Task DisposeAsync() => await _connection!.DisposeAsync();

    [Fact]
    public async Task Hello_3_negotiates_protocol_3()
    {
        var hello = await Db.ExecuteAsync("CLIENT", ["INFO"]);
        Assert.Contains("resp=3", hello.AsString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("map", RedisReplyKind.Map)]
    [InlineData("set", RedisReplyKind.Set)]
    [InlineData("double", RedisReplyKind.Double)]
    [InlineData("true", RedisReplyKind.Boolean)]
    [InlineData("false", RedisReplyKind.Boolean)]
    [InlineData("bignum", RedisReplyKind.BigNumber)]
    [InlineData("null", RedisReplyKind.Null)]
    [InlineData("verbatim", RedisReplyKind.VerbatimString)]
    public async Task Each_resp3_type_from_the_server_is_parsed_to_its_kind(string type, RedisReplyKind expected)
    {
        var reply = await Db.ExecuteAsync("DEBUG", ["PROTOCOL", type]);
        Assert.Equal(expected, reply.Kind);
    }

    [Fact]
    public async Task Resp3_values_carry_their_content()
    {
        Assert.Equal(3.141, (await Db.ExecuteAsync("DEBUG", ["PROTOCOL", "double"])).AsDouble(), 3);
        Assert.True((await Db.ExecuteAsync("DEBUG", ["PROTOCOL", "true"])).AsBoolean());
        Assert.Equal("1234567999999999999999999999999999999", (await Db.ExecuteAsync("DEBUG", ["PROTOCOL", "bignum"])).AsString());
        var verbatim = await Db.ExecuteAsync("DEBUG", ["PROTOCOL", "verbatim"]);
        Assert.Equal("txt", verbatim.VerbatimFormat);
        Assert.Equal("This is a verbatim\nstring", verbatim.AsString());
    }

    [Fact]
    public async Task An_attribute_before_a_reply_is_attached_to_it()
    {
        var reply = await Db.ExecuteAsync("DEBUG", ["PROTOCOL", "attrib"]);
        Assert.NotNull(reply.Attributes);
        Assert.Equal("Some real reply following the attribute", reply.AsString());
    }

    [Fact]
    public async Task Typed_helpers_accept_resp3_map_and_pair_shapes()
    {
        await Db.HashSetAsync("r3:h", [new("a", 1), new("b", 2)]);
        var hash = await Db.HashGetAllAsync("r3:h");
        Assert.Equal(2, (long)hash["b"]);

        await Db.SortedSetAddAsync("r3:z", [new("x", 1.5), new("y", 2.5)]);
        var scored = await Db.SortedSetRangeWithScoresAsync("r3:z");
        Assert.Equal([("x", 1.5), ("y", 2.5)], scored.Select(e => (e.Member.ToString()!, e.Score)));

        await Db.StreamAddAsync("r3:s", [new("f", "v")]);
        Assert.Equal("v", (string?)Assert.Single(await Db.StreamReadAsync("r3:s", "0"))["f"]);
    }

    [Fact]
    public async Task Pub_sub_works_over_resp3_push_messages()
    {
        var subscriber = _connection!.GetSubscriber();
        await using var subscription = await subscriber.SubscribeAsync("r3:channel");
        Assert.Equal(1, await subscriber.PublishAsync("r3:channel", "pushed"));
        var message = await subscription.Messages.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("pushed", (string?)message.Payload);
    }
}
