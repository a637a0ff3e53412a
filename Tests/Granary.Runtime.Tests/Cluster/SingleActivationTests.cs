using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Cluster;

/// <summary>The directory's guarantee: at most one activation per grain, cluster-wide, even while a silo dies.</summary>
public sealed class SingleActivationTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(new TestClusterOptions { InitialSilosCount = 3 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task At_most_one_activation_per_grain_while_50_callers_on_all_silos_hit_100_grains_during_a_silo_kill()
    {
        var firstKey = Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);
        var keys = Enumerable.Range(0, 100).Select(i => firstKey + i).ToArray();
        var silos = _cluster.Silos;
        var victim = silos[2];
        var factories = new List<(IGrainFactory Factory, TestSilo? Silo)> { (_cluster.Client, null) };
        factories.AddRange(silos.Select(s => ((IGrainFactory)s.Silo.GrainFactory, (TestSilo?)s)));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var unexpected = new List<Exception>();
        var successes = 0;

        var callers = Enumerable.Range(0, 50).Select(c => Task.Run(async () =>
        {
            var (factory, silo) = factories[c % factories.Count];
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                if (silo is not null && !silo.IsRunning)
                {
                    return;
                }

                try
                {
                    using (GrainCallOptions.WithTimeout(TimeSpan.FromSeconds(3)))
                    {
                        await factory.GetGrain<ITrackedGrain>(keys[random.Next(keys.Length)]).Where();
                    }

                    Interlocked.Increment(ref successes);
                }
                catch (Exception ex) when (ex is SiloUnavailableException or GrainCallTimeoutException or ObjectDisposedException)
                {
                    await Task.Delay(20);
                }
                catch (Exception ex)
                {
                    lock (unexpected)
                    {
                        unexpected.Add(ex);
                    }
                }
            }
        })).ToList();

        await Task.Delay(1200);
        var killedAt = DateTime.UtcNow;
        await _cluster.KillSiloAsync(victim);
        await Task.WhenAll(callers);
        await _cluster.WaitForLivenessToStabilizeAsync();

        Assert.Empty(unexpected);
        Assert.True(successes > 100, $"only {successes} calls succeeded");
        foreach (var key in keys)
        {
            var where = await ClusterTests.RetryAsync(() => _cluster.Client.GetGrain<ITrackedGrain>(key).Where());
            Assert.NotEqual(victim.Name, where);
            var grainId = GrainId.Create(typeof(TrackedGrain).FullName!, key);
            var log = ActivationLog.Activations[grainId].ToList();
            Assert.True(log.Count(a => a.At < killedAt) <= 1, $"{grainId} had {log.Count(a => a.At < killedAt)} activations before the kill");
            Assert.True(log.Count(a => a.Silo != victim.Name) <= 1, $"{grainId} had several activations on surviving silos: {string.Join(", ", log)}");
            Assert.Equal(1, _cluster.Silos.Count(s => s.Silo.HasActivation(grainId)));
        }
    }
}
