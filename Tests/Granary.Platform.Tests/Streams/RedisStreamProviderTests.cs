using System.Collections.Concurrent;
using Granary.Grains.Redis;
using Granary.Streams.Redis;
using Granary.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Streams;

namespace Granary.Platform.Tests.Streams;

/// <summary>The Orleans stream provider on Redis Streams, against a real redis-server.</summary>
public sealed class RedisStreamProviderTests
{
    private const string Provider = "redis-events";

    [Fact]
    public async Task Subscribers_receive_every_event_published_while_the_silos_that_pulled_them_are_killed()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        var server = RedisUrl.Parse(redis.ConnectionString);
        void Configure(RedisStreamOptions o)
        {
            o.ConfigurationOptions = server;
            o.QueueCount = 4;
            o.ClaimIdleTime = TimeSpan.FromSeconds(1);
        }

        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s => s.AddRedisStreams(Provider, Configure),
            ConfigureClient = c => c.AddRedisStreams(Provider, Configure),
        });
        var a = await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        await cluster.WaitForLivenessToStabilizeAsync();

        // Streams spread over the four queues, which the three silos share: a and b pull some of them.
        const int streams = 12;
        const int perStream = 60;
        var provider = cluster.Client.GetStreamProvider(Provider);
        var targets = Enumerable.Range(0, streams).Select(_ => provider.GetStream<int>(StreamId.Create("test", Guid.NewGuid().ToString("N")))).ToList();
        var received = new ConcurrentDictionary<int, int>();
        foreach (var stream in targets)
        {
            await stream.SubscribeAsync((item, _) =>
            {
                received.AddOrUpdate(item, 1, (_, n) => n + 1);
                return Task.CompletedTask;
            });
        }

        const int count = streams * perStream;
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await targets[i % streams].OnNextAsync(i);
                await Task.Delay(2);
            }
        });

        await WaitAsync(() => received.Count > count / 5, what: () => $"received {received.Count}");
        await cluster.KillSiloAsync(a);
        await cluster.StartSiloAsync();
        await WaitAsync(() => received.Count > count / 2, what: () => $"received {received.Count}");
        await cluster.KillSiloAsync(b);
        await publishing;

        await WaitAsync(() => received.Count == count, timeoutMs: 60_000, what: () => $"received {received.Count}, missing {string.Join(",", Enumerable.Range(0, count).Where(i => !received.ContainsKey(i)).Take(10))}");
        Assert.Equal(Enumerable.Range(0, count), received.Keys.Order());
    }

    [Fact]
    public async Task Entries_a_dead_consumer_pulled_and_never_acknowledged_are_claimed_by_the_next_one_and_acknowledged_entries_are_not()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSerializer(b => b.AddAssembly(typeof(RedisStreamBatchContainer).Assembly));
        services.AddOptions<RedisStreamOptions>(Provider).Configure(o =>
        {
            o.ConfigurationOptions = RedisUrl.Parse(redis.ConnectionString);
            o.QueueCount = 1;
            o.ClaimIdleTime = TimeSpan.FromMilliseconds(300);
        });
        await using var provider = services.BuildServiceProvider();
        var factory = RedisQueueAdapterFactory.Create(provider, Provider);
        var adapter = await factory.CreateAdapter();
        var stream = StreamId.Create("test", "claims");
        var queue = factory.GetStreamQueueMapper().GetQueueForStream(stream);
        var dead = adapter.CreateReceiver(queue);
        var next = adapter.CreateReceiver(queue);
        await dead.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
        await next.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            await adapter.QueueMessageBatchAsync(stream, [i], null, []);
        }

        // The first consumer pulls all four, delivers and acknowledges the first two, then dies with the others.
        var pulled = await dead.GetQueueMessagesAsync(10, CancellationToken.None);
        Assert.Equal([0, 1, 2, 3], pulled.SelectMany(b => b.GetEvents<int>().Select(e => e.Item1)));
        await dead.MessagesDeliveredAsync(pulled.Take(2).ToList(), CancellationToken.None);
        Assert.Empty(await next.GetQueueMessagesAsync(10, CancellationToken.None));

        await Task.Delay(TimeSpan.FromMilliseconds(600));
        var claimed = await next.GetQueueMessagesAsync(10, CancellationToken.None);
        Assert.Equal([2, 3], claimed.SelectMany(b => b.GetEvents<int>().Select(e => e.Item1)));
        Assert.True(claimed[0].SequenceToken.Newer(pulled[1].SequenceToken), "sequence tokens follow the entries' order");
        await next.MessagesDeliveredAsync(claimed, CancellationToken.None);

        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.Empty(await next.GetQueueMessagesAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Stream_options_that_make_no_sense_stop_the_silo_at_start_naming_the_option()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s => s.AddRedisStreams(Provider, o =>
            {
                o.ConfigurationOptions = RedisUrl.Parse("redis://127.0.0.1:1");
                o.ClaimIdleTime = TimeSpan.Zero;
            }),
        }));

        Assert.Contains("RedisStreamOptions.ClaimIdleTime", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(Provider, error.ToString(), StringComparison.Ordinal);
    }

    private static async Task WaitAsync(Func<bool> condition, int timeoutMs = 30_000, Func<string>? what = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Condition not met in time. " + what?.Invoke());
            }

            await Task.Delay(50);
        }
    }
}
