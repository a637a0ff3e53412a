using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class ScriptTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static readonly LuaScript IncrementBy = new("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    private readonly IRedisDatabase _db = fixture.Db;

    [Fact]
    public async Task Script_sha1_matches_the_servers_script_load()
    {
        var loaded = await _db.ScriptLoadAsync(IncrementBy);
        Assert.Equal(loaded, IncrementBy.Sha1);
    }

    [Fact]
    public async Task Eval_passes_keys_and_arguments_and_returns_the_scripts_reply()
    {
        var reply = await _db.ScriptEvaluateAsync("return {KEYS[1], ARGV[1], 42}", ["k"], ["v"]);
        Assert.Equal(["k", "v", "42"], reply.Elements.Select(e => e.ToValue().ToString()));
    }

    [Fact]
    public async Task Evalsha_falls_back_to_eval_after_script_flush()
    {
        await _db.KeyDeleteAsync("script:counter");
        Assert.Equal(5, (await _db.ScriptEvaluateAsync(IncrementBy, ["script:counter"], [5])).AsInt64());

        await _db.ExecuteAsync("SCRIPT", ["FLUSH"]);
        var exists = await _db.ExecuteAsync("SCRIPT", ["EXISTS", IncrementBy.Sha1]);
        Assert.Equal(0, exists[0].AsInt64());

        Assert.Equal(12, (await _db.ScriptEvaluateAsync(IncrementBy, ["script:counter"], [7])).AsInt64());
        exists = await _db.ExecuteAsync("SCRIPT", ["EXISTS", IncrementBy.Sha1]);
        Assert.Equal(1, exists[0].AsInt64());
    }

    [Fact]
    public async Task A_script_error_is_a_server_exception()
    {
        var ex = await Assert.ThrowsAsync<RedisServerException>(async () => await _db.ScriptEvaluateAsync("return redis.call('NOPE')"));
        Assert.Equal("EVAL", ex.Command);
    }
}
