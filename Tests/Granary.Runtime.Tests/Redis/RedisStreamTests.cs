using System.Collections.Concurrent;
using Granary.Runtime.Hosting;
using Granary.Runtime.Redis.Streams;
using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Cluster;
using Granary.Runtime.Tests.Grains;
using Granary.Streams;

namespace Granary.Runtime.Tests.Redis;

/// <summary>Persistent streams on Redis Streams across a two-silo TestCluster.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStreamTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const string Provider = "redis";
    private readonly string _prefix = "stream-test-" + Guid.NewGuid().ToString("N")[..8];
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(new TestClusterOptions
    {
        InitialSilosCount = 2,
        ConfigureSilo = s => s.AddRedisStreams(Provider, o =>
        {
            o.ConnectionString = redis.ConnectionString;
            o.KeyPrefix = _prefix;
            o.PollInterval = TimeSpan.FromMilliseconds(20);
            o.ClaimIdleTime = TimeSpan.FromMilliseconds(500);
            o.ClaimInterval = TimeSpan.FromMilliseconds(100);
        }),
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_event_published_on_one_silo_reaches_grain_subscribers_on_both_silos()
    {
        var silos = _cluster.Silos;
        var listeners = silos.Select(s => s.Silo.GrainFactory.GetGrain<IStreamListenerGrain>(s.Name)).ToList();
        foreach (var listener in listeners)
        {
            await listener.Listen(Provider, "test", "fan-out");
        }

        var stream = Stream<string>(0, "fan-out");
        await stream.OnNextAsync("hello");
        await stream.OnNextAsync("world");

        foreach (var listener in listeners)
        {
            await ClusterTests.WaitUntilAsync(async () => (await listener.Received()).Count >= 2);
            Assert.Equal(["hello", "world"], await listener.Received());
        }
    }

    [Fact]
    public async Task A_grain_subscriber_receives_events_as_turns_that_never_overlap_its_other_turns()
    {
        var probe = _cluster.GrainFactory.GetGrain<IRedisStreamProbeGrain>("probe");
        await probe.Subscribe(Provider, "turns", "probe");

        var holding = probe.Hold(600);
        await Stream<string>(0, "turns").OnNextAsync("during");
        await holding;

        await ClusterTests.WaitUntilAsync(async () => (await probe.Received()).Count == 1);
        Assert.False(await probe.SawOverlap());
    }

    [Fact]
    public async Task A_subscriber_that_dies_before_acknowledging_gets_its_events_redelivered_to_the_next_subscriber()
    {
        var doomed = _cluster.Silos[1];
        var survivor = _cluster.Silos[0];
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        await Stream<string>(1, "crash").SubscribeAsync("workers", (_, _) =>
        {
            firstArrived.TrySetResult();
            return never.Task;
        });
        await Stream<string>(0, "crash").OnNextAsync("a");
        await Stream<string>(0, "crash").OnNextAsync("b");
        await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await _cluster.KillSiloAsync(doomed);
        Assert.NotEmpty(await redis.Database.StreamPendingAsync(Key("crash"), "workers"));
        var received = new ConcurrentQueue<string>();
        await survivor.Silo.GetStreamProvider(Provider).GetStream<string>(new StreamId("test", "crash")).SubscribeAsync("workers", (item, _) =>
        {
            received.Enqueue(item);
            return Task.CompletedTask;
        });

        await ClusterTests.WaitUntilAsync(() => Task.FromResult(received.Count >= 2));
        Assert.Equal(["a", "b"], received.Order());
        await ClusterTests.WaitUntilAsync(async () => (await redis.Database.StreamPendingAsync(Key("crash"), "workers")).Length == 0);
    }

    [Fact]
    public async Task An_event_whose_handler_throws_is_delivered_again_and_then_acknowledged()
    {
        var attempts = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Stream<string>(1, "retry").SubscribeAsync("retrying", (_, _) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                throw new InvalidOperationException("first attempt fails");
            }

            done.TrySetResult();
            return Task.CompletedTask;
        });

        await Stream<string>(0, "retry").OnNextAsync("x");

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, attempts);
        await ClusterTests.WaitUntilAsync(async () => (await redis.Database.StreamPendingAsync(Key("retry"), "retrying")).Length == 0);
    }

    [Fact]
    public async Task Subscribing_from_a_position_replays_that_event_and_every_later_one()
    {
        var first = new ConcurrentQueue<(int Item, StreamSequenceToken? Token)>();
        var handle = await Stream<int>(1, "replay").SubscribeAsync("replayer", (item, token) =>
        {
            first.Enqueue((item, token));
            return Task.CompletedTask;
        });
        for (var i = 1; i <= 5; i++)
        {
            await Stream<int>(0, "replay").OnNextAsync(i);
        }

        await ClusterTests.WaitUntilAsync(() => Task.FromResult(first.Count == 5));
        await handle.UnsubscribeAsync();
        var third = first.Single(e => e.Item == 3).Token!;

        var replayed = new ConcurrentQueue<int>();
        await Stream<int>(0, "replay").SubscribeAsync("replayer", (item, _) =>
        {
            replayed.Enqueue(item);
            return Task.CompletedTask;
        }, from: third);

        await ClusterTests.WaitUntilAsync(() => Task.FromResult(replayed.Count >= 3));
        await Task.Delay(200);
        Assert.Equal([3, 4, 5], replayed);
    }

    [Fact]
    public async Task Subscribing_from_the_beginning_delivers_events_published_before_the_subscription()
    {
        await Stream<int>(0, "history").OnNextAsync(1);
        await Stream<int>(0, "history").OnNextAsync(2);

        var received = new ConcurrentQueue<int>();
        await Stream<int>(1, "history").SubscribeAsync("late", (item, _) =>
        {
            received.Enqueue(item);
            return Task.CompletedTask;
        }, from: RedisStreamPositions.Beginning);

        await ClusterTests.WaitUntilAsync(() => Task.FromResult(received.Count >= 2));
        Assert.Equal([1, 2], received);
    }

    [Fact]
    public async Task A_named_subscription_resumes_after_its_silo_restarts_without_repeating_acknowledged_events()
    {
        var before = new ConcurrentQueue<int>();
        await Stream<int>(1, "resume").SubscribeAsync("durable", (item, _) =>
        {
            before.Enqueue(item);
            return Task.CompletedTask;
        });
        await Stream<int>(0, "resume").OnNextAsync(1);
        await Stream<int>(0, "resume").OnNextAsync(2);
        await ClusterTests.WaitUntilAsync(() => Task.FromResult(before.Count == 2));
        await ClusterTests.WaitUntilAsync(async () => (await redis.Database.StreamPendingAsync(Key("resume"), "durable")).Length == 0);

        await _cluster.KillSiloAsync(_cluster.Silos[1]);
        await Stream<int>(0, "resume").OnNextAsync(3);
        await Stream<int>(0, "resume").OnNextAsync(4);
        var restarted = await _cluster.StartSiloAsync();
        var after = new ConcurrentQueue<int>();
        await restarted.Silo.GetStreamProvider(Provider).GetStream<int>(new StreamId("test", "resume")).SubscribeAsync("durable", (item, _) =>
        {
            after.Enqueue(item);
            return Task.CompletedTask;
        });

        await ClusterTests.WaitUntilAsync(() => Task.FromResult(after.Count >= 2));
        await Task.Delay(200);
        Assert.Equal([3, 4], after);
    }

    [Fact]
    public async Task Unsubscribing_an_unnamed_subscription_deletes_its_consumer_group()
    {
        var handle = await Stream<int>(1, "anonymous").SubscribeAsync((_, _) => Task.CompletedTask);
        var groups = await redis.Database.ExecuteAsync("XINFO", ["GROUPS", Key("anonymous")]);
        Assert.Equal(1, groups.Count);

        await handle.UnsubscribeAsync();

        Assert.Equal(0, (await redis.Database.ExecuteAsync("XINFO", ["GROUPS", Key("anonymous")])).Count);
    }

    [Fact]
    public async Task An_unnamed_subscription_of_a_grain_is_deleted_when_the_grain_is_deactivated()
    {
        var probe = _cluster.GrainFactory.GetGrain<IRedisStreamProbeGrain>("short-lived");
        await probe.SubscribeUnnamed(Provider, "grain-lifetime");
        Assert.Equal(1, (await redis.Database.ExecuteAsync("XINFO", ["GROUPS", Key("grain-lifetime")])).Count);

        await probe.Deactivate();

        await ClusterTests.WaitUntilAsync(async () => (await redis.Database.ExecuteAsync("XINFO", ["GROUPS", Key("grain-lifetime")])).Count == 0);
    }

    [Fact]
    public async Task Deleting_a_named_subscription_stops_its_delivery_and_drops_its_position()
    {
        var received = new ConcurrentQueue<int>();
        var stream = (IDurableAsyncStream<int>)Stream<int>(1, "deleted");
        await stream.SubscribeAsync("doomed", (item, _) =>
        {
            received.Enqueue(item);
            return Task.CompletedTask;
        });
        await Stream<int>(0, "deleted").OnNextAsync(1);
        await ClusterTests.WaitUntilAsync(() => Task.FromResult(received.Count == 1));

        await stream.DeleteSubscriptionAsync("doomed");
        await Stream<int>(0, "deleted").OnNextAsync(2);
        await Task.Delay(300);

        Assert.Equal([1], received);
        Assert.Equal(0, (await redis.Database.ExecuteAsync("XINFO", ["GROUPS", Key("deleted")])).Count);
    }

    private IAsyncStream<T> Stream<T>(int silo, string key) =>
        _cluster.Silos[silo].Silo.GetStreamProvider(Provider).GetStream<T>(new StreamId("test", key));

    private string Key(string key) => $"{_prefix}:{Provider}:test:{key}";
}
