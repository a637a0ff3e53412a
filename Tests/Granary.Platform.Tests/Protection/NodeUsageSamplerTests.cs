using Granary.Grains.Nodes;
using Granary.Grains.Protection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Granary.Platform.Tests.Protection;

/// <summary>The node's usage sampler on a fake clock: one sample per interval, handed over with the next refresh.</summary>
public sealed class NodeUsageSamplerTests
{
    private sealed class CountingProbe(TimeProvider time) : INodeUsageProbe
    {
        private int _count;

        public NodeUsage Sample() => Usage.Of(time.GetUtcNow(), cpu: Interlocked.Increment(ref _count));
    }

    [Fact]
    public async Task The_sampler_samples_once_per_interval_and_the_refresh_takes_what_was_sampled_since_the_last()
    {
        var time = new FakeTimeProvider();
        var options = Options.Create(new ProtectionOptions { SampleInterval = TimeSpan.FromSeconds(5) });
        using var sampler = new NodeUsageSampler(new CountingProbe(time), options, time, NullLogger<NodeUsageSampler>.Instance);
        await sampler.StartAsync(CancellationToken.None);
        await WaitForAsync(() => sampler.Latest is not null);

        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            var expected = i + 2;
            await WaitForAsync(() => sampler.Latest?.CpuPercent == expected);
        }

        var first = sampler.Drain();
        time.Advance(TimeSpan.FromSeconds(5));
        await WaitForAsync(() => sampler.Latest?.CpuPercent == 5);
        var second = sampler.Drain();
        await sampler.StopAsync(CancellationToken.None);

        Assert.Equal([1.0, 2, 3, 4], first.Select(s => s.CpuPercent));
        Assert.Equal([0.0, 5, 10, 15], first.Select(s => (s.At - first[0].At).TotalSeconds));
        Assert.Equal([5.0], second.Select(s => s.CpuPercent));
    }

    [Fact]
    public void At_most_MaxPending_samples_wait_for_a_refresh_the_oldest_dropped()
    {
        var time = new FakeTimeProvider();
        using var sampler = new NodeUsageSampler(new CountingProbe(time), Options.Create(new ProtectionOptions()), time, NullLogger<NodeUsageSampler>.Instance);
        for (var i = 0; i < NodeUsageSampler.MaxPending + 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            sampler.SampleNow();
        }

        var pending = sampler.Drain();

        Assert.Equal(NodeUsageSampler.MaxPending, pending.Count);
        Assert.Equal(6, pending[0].CpuPercent);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
