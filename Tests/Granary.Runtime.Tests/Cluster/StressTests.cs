using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Cluster;

/// <summary>Many concurrent local callers on one grain: no call may be lost.</summary>
public sealed class StressTests
{
    [Fact]
    public async Task Concurrent_local_callers_on_one_grain_all_get_replies()
    {
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { InitialSilosCount = 1 });
        var grain = cluster.Silos[0].Silo.GrainFactory.GetGrain<IEchoGrain>(1);
        await grain.Echo(0);
        var stop = DateTime.UtcNow.AddSeconds(4);
        long calls = 0;

        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            while (DateTime.UtcNow < stop)
            {
                using (GrainCallOptions.WithTimeout(TimeSpan.FromSeconds(3)))
                {
                    Assert.Equal(w, await grain.Echo(w));
                }

                Interlocked.Increment(ref calls);
            }
        })).ToList();

        await Task.WhenAll(workers);
        Assert.True(calls > 1000);
    }
}
