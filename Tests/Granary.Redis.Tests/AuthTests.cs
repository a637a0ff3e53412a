using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class AuthTests : IAsyncLifetime
{
    private RedisServer? _server;

    private RedisServer Server => _server!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync("--requirepass", "s3cret");
        await using var admin = await Server.ConnectAsync(o => o.Password = "s3cret");
        await admin.GetDatabase().ExecuteAsync("ACL", ["SETUSER", "app", "on", ">app-pass", "~app:*", "+@all"]);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task Password_authenticates_the_default_user()
    {
        await using var connection = await Server.ConnectAsync(o => o.Password = "s3cret");
        Assert.True(await connection.GetDatabase().StringSetAsync("k", "v"));
    }

    [Fact]
    public async Task Without_credentials_commands_fail_with_noauth()
    {
        await using var connection = await Server.ConnectAsync();
        var ex = await Assert.ThrowsAsync<RedisServerException>(async () => await connection.GetDatabase().StringGetAsync("k"));
        Assert.Equal("NOAUTH", ex.ErrorCode);
    }

    [Fact]
    public async Task A_wrong_password_fails_the_connect_at_once_naming_auth()
    {
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => Server.ConnectAsync(o => o.Password = "wrong"));
        Assert.Contains("AUTH", ex.Message, StringComparison.Ordinal);
        Assert.IsType<RedisServerException>(ex.InnerException);
    }

    [Fact]
    public async Task An_acl_user_is_authenticated_and_limited_to_its_key_pattern()
    {
        await using var connection = await RedisConnection.ConnectAsync($"redis://app:app-pass@127.0.0.1:{Server.Port}");
        var db = connection.GetDatabase();
        Assert.True(await db.StringSetAsync("app:allowed", "yes"));
        var ex = await Assert.ThrowsAsync<RedisServerException>(async () => await db.StringSetAsync("other:denied", "no"));
        Assert.Equal("NOPERM", ex.ErrorCode);
        Assert.Equal("app", (await db.ExecuteAsync("ACL", ["WHOAMI"])).AsString());
    }

    [Fact]
    public async Task An_acl_user_is_authenticated_by_hello_over_resp3()
    {
        await using var connection = await Server.ConnectAsync(o =>
        {
            o.User = "app";
            o.Password = "app-pass";
            o.Protocol = RedisProtocol.Resp3;
            o.ClientName = "granary-test";
        });
        var db = connection.GetDatabase();
        Assert.Equal("app", (await db.ExecuteAsync("ACL", ["WHOAMI"])).AsString());
        Assert.Equal("granary-test", (await db.ExecuteAsync("CLIENT", ["GETNAME"])).AsString());
    }
}
