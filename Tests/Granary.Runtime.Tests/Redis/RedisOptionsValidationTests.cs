using Granary.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Tests.Redis;

public sealed class RedisOptionsValidationTests
{
    [Fact]
    public async Task Clustering_without_a_connection_string_fails_the_start_naming_the_option()
    {
        var error = await StartAsync(s => s.UseRedisClustering(o => o.ConnectionString = ""));

        Assert.Contains("RedisClusteringOptions.ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_with_a_malformed_connection_string_is_rejected_naming_the_option_and_the_problem()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddGranarySilo(s => s.AddRedisGrainStorage("store", o => o.ConnectionString = "http://localhost"));
        using var host = builder.Build();

        // Resolved the way the provider resolves them. (Starting the host would also fail, but disposing a silo that
        // never started throws a NullReferenceException in SiloRuntime.KillAsync, which would hide the failure.)
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptionsMonitor<Granary.Runtime.Redis.RedisGrainStorageOptions>>().Get("store"));

        Assert.Contains("RedisGrainStorageOptions.ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a redis:// URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streams_with_a_zero_poll_interval_and_batch_size_fail_the_start_naming_both_options()
    {
        var error = await StartAsync(s => s.AddRedisStreams("events", o =>
        {
            o.PollInterval = TimeSpan.Zero;
            o.BatchSize = 0;
        }));

        Assert.Contains("RedisStreamOptions.PollInterval must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("RedisStreamOptions.BatchSize must be at least 1", error.Message, StringComparison.Ordinal);
    }

    private static async Task<OptionsValidationException> StartAsync(Action<SiloBuilder> configure)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddGranarySilo(configure);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
