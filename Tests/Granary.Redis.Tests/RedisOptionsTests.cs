namespace Granary.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Fact]
    public void Defaults_are_local_resp2_database_zero_with_five_second_timeouts()
    {
        var options = new RedisOptions();
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(6379, options.Port);
        Assert.Equal(0, options.Database);
        Assert.Equal(RedisProtocol.Resp2, options.Protocol);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommandTimeout);
        options.Validate();
    }

    [Fact]
    public void Connection_string_with_user_password_port_and_database_is_parsed()
    {
        var options = RedisOptions.Parse("redis://app:s%40cret@cache.local:6380/3");
        Assert.Equal("cache.local", options.Host);
        Assert.Equal(6380, options.Port);
        Assert.Equal("app", options.User);
        Assert.Equal("s@cret", options.Password);
        Assert.Equal(3, options.Database);
    }

    [Fact]
    public void Connection_string_with_only_a_password_authenticates_the_default_user()
    {
        var options = RedisOptions.Parse("redis://:pw@localhost");
        Assert.Null(options.User);
        Assert.Equal("pw", options.Password);
        Assert.Equal(6379, options.Port);
        Assert.Equal(0, options.Database);
    }

    [Fact]
    public void Connection_string_query_sets_protocol_timeouts_and_client_name()
    {
        var options = RedisOptions.Parse("redis://localhost:7000?protocol=3&timeout=250&connectTimeout=1000&name=granary");
        Assert.Equal(RedisProtocol.Resp3, options.Protocol);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ConnectTimeout);
        Assert.Equal("granary", options.ClientName);
    }

    [Fact]
    public void Rediss_scheme_is_rejected_as_unsupported_tls()
    {
        var ex = Assert.Throws<NotSupportedException>(() => RedisOptions.Parse("rediss://localhost:6380"));
        Assert.Contains("TLS", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost")]
    [InlineData("localhost:6379")]
    [InlineData("redis://localhost/abc")]
    [InlineData("redis://localhost?bogus=1")]
    [InlineData("redis://localhost?protocol=4")]
    public void Malformed_connection_strings_throw_format_exceptions(string connectionString)
    {
        Assert.Throws<FormatException>(() => RedisOptions.Parse(connectionString));
    }

    [Fact]
    public void Malformed_connection_string_message_does_not_leak_the_password()
    {
        var ex = Assert.Throws<FormatException>(() => RedisOptions.Parse("redis://user:hunter2@localhost/x"));
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(RedisOptions.Port))]
    [InlineData(nameof(RedisOptions.Database))]
    [InlineData(nameof(RedisOptions.CommandTimeout))]
    [InlineData(nameof(RedisOptions.ConnectTimeout))]
    [InlineData(nameof(RedisOptions.ReconnectMinDelay))]
    [InlineData(nameof(RedisOptions.Password))]
    [InlineData(nameof(RedisOptions.Host))]
    public void Validation_names_the_invalid_setting(string setting)
    {
        var options = new RedisOptions();
        switch (setting)
        {
            case nameof(RedisOptions.Port): options.Port = 70000; break;
            case nameof(RedisOptions.Database): options.Database = -1; break;
            case nameof(RedisOptions.CommandTimeout): options.CommandTimeout = TimeSpan.Zero; break;
            case nameof(RedisOptions.ConnectTimeout): options.ConnectTimeout = TimeSpan.FromSeconds(-1); break;
            case nameof(RedisOptions.ReconnectMinDelay): options.ReconnectMinDelay = TimeSpan.FromSeconds(10); break;
            case nameof(RedisOptions.Password): options.User = "u"; break;
            case nameof(RedisOptions.Host): options.Host = " "; break;
        }

        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(setting, ex.ParamName);
    }
}
