using System.Diagnostics;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;

namespace Granary.Platform.Tests.Nodes;

/// <summary>The per-instance ring of execution times a node drains at each refresh.</summary>
public sealed class ExecutionSamplerTests
{
    private static readonly InstanceId Instance = InstanceId.NewOn(Guid.NewGuid());

    /// <summary>A handler start <paramref name="seconds"/> seconds ago.</summary>
    private static long StartedAgo(int seconds) => Stopwatch.GetTimestamp() - seconds * Stopwatch.Frequency;

    [Fact]
    public void Draining_returns_the_most_recent_samples_oldest_first_and_empties_the_ring()
    {
        var sampler = new ExecutionSampler(capacity: 3);
        foreach (var seconds in new[] { 10, 20, 30, 40, 50 })
        {
            sampler.Record(StartedAgo(seconds), Stopwatch.GetTimestamp());
        }

        var drained = new List<FunctionExecutionSample>();
        sampler.DrainInto(Instance, drained);
        var again = new List<FunctionExecutionSample>();
        sampler.DrainInto(Instance, again);

        Assert.Equal([30, 40, 50], drained.Select(s => (int)s.ExecutionTime.TotalSeconds));
        Assert.All(drained, s => Assert.Equal(Instance, s.Instance));
        Assert.All(drained, s => Assert.InRange(s.At, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Empty(again);
    }
}
