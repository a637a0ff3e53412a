using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Cluster;

/// <summary>
/// Behaviour of grains on a three-silo TestCluster talking over loopback, whatever the cluster's providers:
/// <see cref="ClusterTests"/> runs these cases on the in-memory providers, <c>RedisClusterTests</c> on Redis ones.
/// </summary>
public abstract class ClusterTestsBase : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    /// <summary>The running cluster.</summary>
    protected TestCluster Cluster => _cluster;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(CreateOptions());

    public virtual async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>The cluster every case runs on; derived classes add their providers to it.</summary>
    protected virtual TestClusterOptions CreateOptions() => new()
    {
        InitialSilosCount = 3,
        ConfigureSilo = s => s.AddMemoryStreams("events"),
    };

    [Fact]
    public async Task Calls_from_the_client_reach_grains_and_return_results()
    {
        var echo = _cluster.GrainFactory.GetGrain<IEchoGrain>(7);

        Assert.Equal(42, await echo.Echo(42));
        var person = await echo.EchoPerson(new Person("Ada", 36) { Tags = ["a", "b"] });
        Assert.Equal("Ada", person.Name);
        Assert.Equal(36, person.Age);
        Assert.Equal(["a", "b"], person.Tags);
    }

    [Fact]
    public async Task Calls_issued_in_order_run_in_order()
    {
        var caller = _cluster.Silos[0].Silo.GrainFactory;
        var grain = caller.GetGrain<IOrderGrain>("order");
        await grain.Record(0);

        var calls = Enumerable.Range(1, 200).Select(i => grain.Record(i)).ToList();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 201).ToList(), await grain.Recorded());
    }

    [Fact]
    public async Task A_non_reentrant_grain_runs_one_turn_at_a_time()
    {
        var grain = _cluster.GrainFactory.GetGrain<IOrderGrain>("turns");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => grain.SlowTurn(i)));

        Assert.False(await grain.SawOverlap());
        Assert.Equal(20, (await grain.Recorded()).Count);
    }

    [Fact]
    public async Task A_call_chain_back_into_its_origin_completes()
    {
        var a = _cluster.GrainFactory.GetGrain<IChainGrain>("a");
        var b = _cluster.GrainFactory.GetGrain<IChainGrain>("b");

        var result = await a.Start(b).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("bounced:back from a", result);
    }

    [Fact]
    public async Task A_call_past_its_deadline_fails_with_a_timeout()
    {
        var grain = _cluster.GrainFactory.GetGrain<ISlowGrain>("slow");

        using (GrainCallOptions.WithTimeout(TimeSpan.FromMilliseconds(400)))
        {
            await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.NeverReplies());
        }

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.NeverRepliesWithShortDeadline());
    }

    [Fact]
    public async Task A_grain_exception_keeps_its_type_message_and_stack()
    {
        var grain = _cluster.GrainFactory.GetGrain<IThrowingGrain>("thrower");

        var invalid = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowInvalidOperation("boom 42"));
        var custom = await Assert.ThrowsAsync<CustomGrainException>(() => grain.ThrowCustom(7));

        Assert.Equal("boom 42", invalid.Message);
        Assert.Equal("custom failure 7", custom.Message);
        Assert.Contains(nameof(ThrowingGrain.ThrowCustom), custom.StackTrace);
    }

    [Fact]
    public async Task A_grain_whose_silo_dies_is_reactivated_elsewhere_with_its_persisted_state()
    {
        var counter = _cluster.GrainFactory.GetGrain<ICounterGrain>("persisted");
        for (var i = 0; i < 5; i++)
        {
            await counter.Increment();
        }

        var home = await counter.Where();
        await _cluster.KillSiloAsync(_cluster.Silos.Single(s => s.Name == home));

        var value = await ClusterTests.RetryAsync(() => counter.Get());
        var newHome = await counter.Where();

        Assert.Equal(5, value);
        Assert.NotEqual(home, newHome);
        Assert.Equal(6, await counter.Increment());
    }

    [Fact]
    public async Task A_silo_with_no_listening_port_serves_grains_and_calls_others()
    {
        var edge = await _cluster.StartSiloAsync(o => o.AcceptConnections = false);
        Assert.Null(edge.Address.Endpoint);

        var grain = _cluster.GrainFactory.GetGrain<IEdgeGrain>(edge.Name);
        var where = await ClusterTests.RetryAsync(() => grain.Where());
        var other = await grain.CallOther(_cluster.Silos[0].Name);

        Assert.Equal(edge.Name, where);
        Assert.Equal(_cluster.Silos[0].Name, other);
    }

    [Fact]
    public async Task A_timer_ticks_as_a_turn_and_stops_on_deactivation()
    {
        var grain = _cluster.GrainFactory.GetGrain<ITimerGrain>("ticker");
        await grain.StartTicking(50);
        await grain.LongTurn(400);
        await ClusterTests.WaitUntilAsync(async () => await grain.Ticks() >= 5);
        Assert.False(await grain.TickOverlappedTurn());

        await grain.Deactivate();
        await Task.Delay(200);
        var afterDeactivation = TimerLog.Ticks["ticker"];
        await Task.Delay(400);

        Assert.Equal(afterDeactivation, TimerLog.Ticks["ticker"]);
    }

    [Fact]
    public async Task A_stream_event_published_on_one_silo_reaches_subscribers_on_two_others()
    {
        var silos = _cluster.Silos;
        var listeners = new[] { silos[1], silos[2] }.Select(s => s.Silo.GrainFactory.GetGrain<IStreamListenerGrain>(s.Name)).ToList();
        foreach (var listener in listeners)
        {
            await listener.Listen("events", "test", "s1");
        }

        var stream = silos[0].Silo.GetStreamProvider("events").GetStream<string>(new Granary.Streams.StreamId("test", "s1"));
        await stream.OnNextAsync("hello");
        await stream.OnNextAsync("world");

        foreach (var (listener, silo) in listeners.Zip(new[] { silos[1], silos[2] }))
        {
            Assert.Equal(silo.Name, await listener.Where());
            Assert.Equal(["hello", "world"], await listener.Received());
        }
    }

    [Fact]
    public async Task A_silo_cut_off_from_the_network_is_declared_dead_and_its_grains_move()
    {
        var counter = _cluster.GrainFactory.GetGrain<ICounterGrain>("cut");
        await counter.Increment();
        var homeName = await counter.Where();
        var home = _cluster.Silos.Single(s => s.Name == homeName);
        var terminated = new TaskCompletionSource();
        home.Silo.Terminated += (_, _) => terminated.TrySetResult();

        home.Silo.CutOff = true;
        await terminated.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var value = await ClusterTests.RetryAsync(() => counter.Increment());
        Assert.Equal(2, value);
        Assert.NotEqual(home.Name, await counter.Where());
    }
}
