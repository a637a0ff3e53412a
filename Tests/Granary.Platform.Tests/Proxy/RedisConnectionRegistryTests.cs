using Granary.Grains.Proxy.Redis;
using Granary.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Granary.Platform.Tests.Proxy;

/// <summary>The process's shared Redis connections, on real redis-servers.</summary>
public sealed class RedisConnectionRegistryTests : IAsyncLifetime
{
    private RedisServerProcess _server = null!;
    private readonly RedisConnectionRegistry _registry = new();

    public async Task InitializeAsync() => _server = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _server.DisposeAsync();
    }

    private string Url(int database = 0, string query = "") => $"redis://127.0.0.1:{_server.Port}/{database}{query}";

    [Fact]
    public async Task One_server_gets_one_multiplexer_whatever_database_each_caller_uses()
    {
        var first = await _registry.GetAsync(Url(1));
        var second = await _registry.GetAsync(Url(2, "?timeout=900"));

        Assert.Same(first, second);
    }

    [Fact]
    public async Task Each_server_gets_its_own_multiplexer()
    {
        await using var other = await RedisServerProcess.StartAsync();

        var first = await _registry.GetAsync(Url());
        var second = await _registry.GetAsync($"redis://127.0.0.1:{other.Port}");

        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task The_database_of_the_url_is_the_one_written()
    {
        var db = await _registry.GetDatabaseAsync(Url(4));

        await db.StringSetAsync("granary:registry", "in four");

        Assert.Equal("in four", await RedisCli.RunAsync(_server.Port, "-n", "4", "GET", "granary:registry"));
        Assert.Equal(string.Empty, await RedisCli.RunAsync(_server.Port, "-n", "0", "GET", "granary:registry"));
    }

    [Fact]
    public async Task A_server_that_is_down_still_gives_a_multiplexer_which_works_once_the_server_is_up()
    {
        await _server.KillAsync();

        var multiplexer = await _registry.GetAsync(Url(query: "?connectTimeout=500&timeout=1000"));
        Assert.False(multiplexer.IsConnected);
        await Assert.ThrowsAnyAsync<RedisException>(() => multiplexer.GetDatabase().PingAsync());

        await _server.RestartAsync();
        var deadline = Environment.TickCount64 + 15_000;
        while (!multiplexer.IsConnected && Environment.TickCount64 < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(await multiplexer.GetDatabase().StringSetAsync("granary:back", "yes"));
    }

    [Fact]
    public async Task Disposing_the_registry_closes_its_multiplexers_and_refuses_new_requests()
    {
        var multiplexer = await _registry.GetAsync(Url());
        Assert.True(multiplexer.IsConnected);

        await _registry.DisposeAsync();

        Assert.False(multiplexer.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _registry.GetAsync(Url()));
    }

    [Fact]
    public void AddGranaryRedis_registers_one_registry_however_often_it_is_called()
    {
        var services = new ServiceCollection().AddGranaryRedis().AddGranaryRedis();
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(RedisConnectionRegistry));
        Assert.Same(provider.GetRequiredService<RedisConnectionRegistry>(), provider.GetRequiredService<RedisConnectionRegistry>());
    }
}
