using System.Net;
using Granary.Runtime.Directory;
using Granary.Runtime.Redis;
using Granary.Runtime.Redis.Directory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisGrainDirectoryTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly SiloAddress s_siloA = new("a", new IPEndPoint(IPAddress.Loopback, 1001), 1);
    private static readonly SiloAddress s_siloB = new("b", new IPEndPoint(IPAddress.Loopback, 1002), 2);
    private static readonly SiloAddress s_siloC = new("c", null, 3);

    private readonly string _clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
    private readonly RedisConnectionSource _connectionA = new(redis.ConnectionString, NullLoggerFactory.Instance);
    private readonly RedisConnectionSource _connectionB = new(redis.ConnectionString, NullLoggerFactory.Instance);
    private RedisGrainDirectory _directoryA = null!;
    private RedisGrainDirectory _directoryB = null!;

    public Task InitializeAsync()
    {
        // Two directories on two connections: the racers of a real cluster live in different processes.
        _directoryA = new RedisGrainDirectory(_connectionA, "test", _clusterId);
        _directoryB = new RedisGrainDirectory(_connectionB, "test", _clusterId);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _connectionA.DisposeAsync();
        await _connectionB.DisposeAsync();
    }

    [Fact]
    public async Task Two_racers_registering_the_same_grain_both_get_the_single_winner()
    {
        for (var i = 0; i < 50; i++)
        {
            var grain = new GrainId("race", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var a = new GrainAddress(grain, s_siloA, Guid.NewGuid());
            var b = new GrainAddress(grain, s_siloB, Guid.NewGuid());
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racerA = Task.Run(async () => { await start.Task; return await _directoryA.RegisterAsync(a, null); });
            var racerB = Task.Run(async () => { await start.Task; return await _directoryB.RegisterAsync(b, null); });
            start.SetResult();

            var results = await Task.WhenAll(racerA, racerB);

            Assert.Equal(results[0], results[1]);
            Assert.True(results[0] == a || results[0] == b);
            Assert.Equal(results[0], await _directoryA.LookupAsync(grain));
        }
    }

    [Fact]
    public async Task Registering_again_with_the_winning_address_returns_it_unchanged()
    {
        var a = Address("again", s_siloA);
        Assert.Equal(a, await _directoryA.RegisterAsync(a, null));

        Assert.Equal(a, await _directoryB.RegisterAsync(a, null));
    }

    [Fact]
    public async Task Registering_with_the_current_entry_as_previous_replaces_it()
    {
        var stale = Address("moved", s_siloA);
        await _directoryA.RegisterAsync(stale, null);
        var replacement = stale with { Silo = s_siloB, ActivationId = Guid.NewGuid() };

        var winner = await _directoryB.RegisterAsync(replacement, stale);

        Assert.Equal(replacement, winner);
        Assert.Equal(replacement, await _directoryA.LookupAsync(stale.GrainId));
        Assert.Equal(replacement.Silo.Endpoint, (await _directoryA.LookupAsync(stale.GrainId))!.Silo.Endpoint);
    }

    [Fact]
    public async Task Registering_with_a_previous_that_is_no_longer_current_returns_the_current_entry()
    {
        var first = Address("stale-previous", s_siloA);
        var current = first with { Silo = s_siloB, ActivationId = Guid.NewGuid() };
        await _directoryA.RegisterAsync(first, null);
        await _directoryA.RegisterAsync(current, first);

        var late = first with { Silo = s_siloC, ActivationId = Guid.NewGuid() };
        var winner = await _directoryB.RegisterAsync(late, first);

        Assert.Equal(current, winner);
        Assert.Equal(current, await _directoryA.LookupAsync(first.GrainId));
    }

    [Fact]
    public async Task Unregister_removes_the_entry_only_if_it_is_still_that_activation()
    {
        var old = Address("unregister", s_siloA);
        var current = old with { ActivationId = Guid.NewGuid() };
        await _directoryA.RegisterAsync(old, null);
        await _directoryA.RegisterAsync(current, old);

        await _directoryA.UnregisterAsync(old);
        Assert.Equal(current, await _directoryA.LookupAsync(old.GrainId));

        await _directoryA.UnregisterAsync(current);
        Assert.Null(await _directoryA.LookupAsync(old.GrainId));
    }

    [Fact]
    public async Task Unregistering_dead_silos_removes_their_entries_and_keeps_the_others()
    {
        var onA = Enumerable.Range(0, 300).Select(i => Address("dead-a-" + i, s_siloA)).ToList();
        var onC = Enumerable.Range(0, 10).Select(i => Address("dead-c-" + i, s_siloC)).ToList();
        var onB = Enumerable.Range(0, 10).Select(i => Address("alive-b-" + i, s_siloB)).ToList();
        await Task.WhenAll(onA.Concat(onB).Concat(onC).Select(a => _directoryA.RegisterAsync(a, null)));
        // One of silo a's grains already moved to b: cleaning up a must not remove it.
        var moved = onA[0] with { Silo = s_siloB, ActivationId = Guid.NewGuid() };
        await _directoryB.RegisterAsync(moved, onA[0]);

        await _directoryB.UnregisterSilosAsync([s_siloA, s_siloC]);

        foreach (var a in onA.Skip(1).Concat(onC))
        {
            Assert.Null(await _directoryA.LookupAsync(a.GrainId));
        }

        foreach (var b in onB.Append(moved))
        {
            Assert.Equal(b, await _directoryA.LookupAsync(b.GrainId));
        }

        Assert.False(await redis.Database.KeyExistsAsync(_directoryA.SiloSetKey(s_siloA)));
        Assert.True(await redis.Database.KeyExistsAsync(_directoryA.SiloSetKey(s_siloB)));
    }

    private static GrainAddress Address(string key, SiloAddress silo) => new(new GrainId("test-grain", key), silo, Guid.NewGuid());
}
