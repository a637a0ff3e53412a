using Granary.Grains.Redis;
using System.Net;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using StackExchange.Redis;

namespace Granary.Platform.Tests.Proxy;

/// <summary>The <c>redis://</c> URL form Granary's settings accept, read into StackExchange.Redis options.</summary>
public sealed class RedisUrlTests
{
    [Fact]
    public void Host_port_and_database_come_from_the_url()
    {
        var options = RedisUrl.Parse("redis://cache.local:6380/3");

        var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal(("cache.local", 6380), (endpoint.Host, endpoint.Port));
        Assert.Equal(3, options.DefaultDatabase);
    }

    [Fact]
    public void Without_port_or_database_the_defaults_apply_and_a_failed_first_connect_never_aborts()
    {
        var options = RedisUrl.Parse("redis://127.0.0.1");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6379), Assert.Single(options.EndPoints));
        Assert.Null(options.DefaultDatabase);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(5000, options.ConnectTimeout);
        Assert.Equal(5000, options.SyncTimeout);
        Assert.Equal(5000, options.AsyncTimeout);
        Assert.False(options.Ssl);
    }

    [Fact]
    public void Query_options_set_the_timeouts_the_client_name_and_the_protocol()
    {
        var options = RedisUrl.Parse("redis://127.0.0.1:7000/1?timeout=1500&connectTimeout=700&name=granary-proxy&protocol=3");

        Assert.Equal(1500, options.SyncTimeout);
        Assert.Equal(1500, options.AsyncTimeout);
        Assert.Equal(700, options.ConnectTimeout);
        Assert.Equal("granary-proxy", options.ClientName);
        Assert.Equal(RedisProtocol.Resp3, options.Protocol);
    }

    [Theory]
    [InlineData("redis://app:s%40cret@127.0.0.1", "app", "s@cret")]
    [InlineData("redis://:secret@127.0.0.1", null, "secret")]
    [InlineData("redis://secret@127.0.0.1", null, "secret")]
    public void User_and_password_are_percent_decoded_and_a_single_token_is_the_password(string url, string? user, string password)
    {
        var options = RedisUrl.Parse(url);

        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
    }

    [Fact]
    public void Rediss_connects_with_tls_to_the_named_host()
    {
        var options = RedisUrl.Parse("rediss://cache.example:6390");

        Assert.True(options.Ssl);
        Assert.Equal("cache.example", options.SslHost);
    }

    [Theory]
    [InlineData("127.0.0.1:6379", "is not a redis:// URL")]
    [InlineData("http://127.0.0.1:6379", "is not a redis:// URL")]
    [InlineData("redis://127.0.0.1/x", "database 'x' is not a non-negative integer")]
    [InlineData("redis://127.0.0.1?timeout=0", "timeout must be a positive number of milliseconds")]
    [InlineData("redis://127.0.0.1?colour=blue", "Unknown redis:// URL option 'colour'")]
    [InlineData("redis://127.0.0.1?protocol=4", "protocol must be 2 or 3")]
    public void A_malformed_url_is_refused_naming_the_bad_part(string url, string reason)
    {
        var error = Assert.Throws<FormatException>(() => RedisUrl.Parse(url));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_url_never_echoes_its_password()
    {
        var error = Assert.Throws<FormatException>(() => RedisUrl.Parse("redis://app:hunter2@127.0.0.1/x"));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_names_server_and_database_without_credentials()
    {
        Assert.Equal("cache.local:6380/2", RedisUrl.Describe(RedisUrl.Parse("redis://app:hunter2@cache.local:6380/2")));
    }

    [Fact]
    public void The_proxy_command_timeout_applies_unless_the_url_sets_one()
    {
        var proxy = new ProxyOptions { Type = "Redis", Url = "redis://127.0.0.1:6379", CommandTimeout = TimeSpan.FromMilliseconds(1200) };
        Assert.Equal(1200, proxy.ToRedisConfiguration().AsyncTimeout);

        proxy.Url = "redis://127.0.0.1:6379?timeout=300";
        Assert.Equal(300, proxy.ToRedisConfiguration().AsyncTimeout);
    }

    [Fact]
    public void A_proxy_url_that_cannot_be_read_stops_the_host_naming_the_setting()
    {
        var proxy = new ProxyOptions { Type = "Redis", Url = "redis://127.0.0.1:6379/db" };

        var error = Assert.Throws<InvalidOperationException>(proxy.ToRedisConfiguration);

        Assert.StartsWith("Granary:Proxy:Url is not usable:", error.Message, StringComparison.Ordinal);
    }
}
