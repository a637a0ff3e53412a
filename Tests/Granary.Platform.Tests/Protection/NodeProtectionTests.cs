using Granary.Grains.Nodes;
using Granary.Grains.Protection;
using Microsoft.Extensions.Time.Testing;

namespace Granary.Platform.Tests.Protection;

/// <summary>The per-node protection state machine, fed samples stamped by a fake clock one sample interval apart.</summary>
public sealed class NodeProtectionTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly NodeProtection _node = new(new ProtectionOptions().Resolve("d", []));

    /// <summary>Feeds one sample one interval after the previous one.</summary>
    private ProtectionStep Feed(double cpu = 10, double memory = 10, double disk = 10, double load = 10)
    {
        _time.Advance(Interval);
        return _node.Observe(Usage.Of(_time.GetUtcNow(), cpu, memory, disk, load)) ?? throw new InvalidOperationException("sample ignored");
    }

    [Fact]
    public void Defaults_are_80_percent_thresholds_a_70_percent_release_and_two_samples()
    {
        Assert.Equal(new ProtectionThresholds(80, 80, 80, 80, 70, 2), new ProtectionOptions().Resolve("any", ["a=b"]));
        Assert.Equal(TimeSpan.FromSeconds(5), new ProtectionOptions().SampleInterval);
    }

    [Fact]
    public void Two_samples_in_a_row_above_a_threshold_limit_a_normal_node()
    {
        var first = Feed(cpu: 95);
        var second = Feed(cpu: 95);

        Assert.Equal((NodeProtectionState.Normal, ProtectionTransition.None), (first.State, first.Transition));
        Assert.Equal((NodeProtectionState.Limited, ProtectionTransition.Limited), (second.State, second.Transition));
        Assert.Equal((ProtectedResource.Cpu, 95.0, 80.0), (second.Metric, second.Value, second.Level));
        Assert.False(second.Shed);
    }

    [Fact]
    public void A_breach_interrupted_by_a_normal_sample_does_not_limit()
    {
        Feed(memory: 90);
        Feed(memory: 50);
        var step = Feed(memory: 90);

        Assert.Equal(NodeProtectionState.Normal, step.State);
    }

    [Fact]
    public void A_breach_that_persists_while_limited_taints_the_node_and_sheds_from_the_tainting_sample()
    {
        Feed(disk: 85);
        Feed(disk: 85);
        var stillLimited = Feed(disk: 85);
        var tainted = Feed(disk: 85);

        Assert.Equal(NodeProtectionState.Limited, stillLimited.State);
        Assert.False(stillLimited.Shed);
        Assert.Equal((NodeProtectionState.Tainted, ProtectionTransition.Tainted, ProtectedResource.Disk), (tainted.State, tainted.Transition, tainted.Metric));
        Assert.True(tainted.Shed);
    }

    [Fact]
    public void A_tainted_node_asks_to_shed_one_instance_per_sample_until_its_usage_is_below_the_release_level()
    {
        for (var i = 0; i < 4; i++)
        {
            Feed(load: 120);
        }

        var over = Feed(load: 120);
        var between = Feed(load: 75);
        var below = Feed(load: 20);

        Assert.True(over.Shed);
        Assert.Equal((NodeProtectionState.Tainted, true), (between.State, between.Shed));
        Assert.Equal((NodeProtectionState.Tainted, false), (below.State, below.Shed));
    }

    [Fact]
    public void Two_samples_in_a_row_below_the_release_level_restore_a_tainted_node()
    {
        for (var i = 0; i < 4; i++)
        {
            Feed(cpu: 99);
        }

        var first = Feed(cpu: 30);
        var restored = Feed(cpu: 30);

        Assert.Equal(NodeProtectionState.Tainted, first.State);
        Assert.Equal((NodeProtectionState.Normal, ProtectionTransition.Restored, 70.0), (restored.State, restored.Transition, restored.Level));
        Assert.Equal((ProtectedResource.Cpu, 30.0), (restored.Metric, restored.Value));
    }

    [Fact]
    public void A_limited_node_is_restored_the_same_way()
    {
        Feed(cpu: 99);
        Feed(cpu: 99);
        Feed(cpu: 10);
        var restored = Feed(cpu: 10);

        Assert.Equal((NodeProtectionState.Normal, ProtectionTransition.Restored), (restored.State, restored.Transition));
    }

    [Fact]
    public void Usage_between_the_release_level_and_the_thresholds_holds_the_state()
    {
        Feed(cpu: 99);
        Feed(cpu: 99);
        var states = Enumerable.Range(0, 5).Select(_ => Feed(cpu: 75)).Select(s => s.State).ToList();
        Feed(cpu: 99);
        var stillLimited = Feed(cpu: 75);

        Assert.All(states, s => Assert.Equal(NodeProtectionState.Limited, s));
        Assert.Equal(NodeProtectionState.Limited, stillLimited.State);
    }

    [Fact]
    public void A_release_needs_every_resource_below_the_release_level()
    {
        Feed(cpu: 99);
        Feed(cpu: 99);
        Feed(cpu: 10, memory: 72);
        var step = Feed(cpu: 10, memory: 72);

        Assert.Equal(NodeProtectionState.Limited, step.State);
    }

    [Fact]
    public void The_most_exceeded_resource_is_the_one_reported()
    {
        Feed(cpu: 85, memory: 97);
        var step = Feed(cpu: 85, memory: 97);

        Assert.Equal((ProtectedResource.Memory, 97.0, 80.0), (step.Metric, step.Value, step.Level));
    }

    [Fact]
    public void A_sample_not_newer_than_the_previous_one_is_ignored()
    {
        _time.Advance(Interval);
        var at = _time.GetUtcNow();
        var first = _node.Observe(Usage.Of(at, cpu: 95));
        var repeated = _node.Observe(Usage.Of(at, cpu: 95));
        var older = _node.Observe(Usage.Of(at - Interval, cpu: 95));

        Assert.NotNull(first);
        Assert.Null(repeated);
        Assert.Null(older);
        Assert.Equal(NodeProtectionState.Normal, _node.State);
    }

    [Fact]
    public void The_number_of_samples_in_a_row_is_configurable()
    {
        var node = new NodeProtection(new ProtectionThresholds(80, 80, 80, 80, 70, ConsecutiveSamples: 3));
        var states = new List<NodeProtectionState>();
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(Interval);
            states.Add(node.Observe(Usage.Of(_time.GetUtcNow(), cpu: 90))!.Value.State);
        }

        Assert.Equal(
            [NodeProtectionState.Normal, NodeProtectionState.Normal, NodeProtectionState.Limited, NodeProtectionState.Limited, NodeProtectionState.Limited, NodeProtectionState.Tainted],
            states);
    }

    [Fact]
    public void Resources_left_out_of_the_watch_neither_breach_nor_hold_back_a_restore()
    {
        var node = new NodeProtection(new ProtectionThresholds(80, 80, 80, 80, 70, 2, WatchedResources.Cpu));
        ProtectionStep Next(double cpu, double load)
        {
            _time.Advance(Interval);
            return node.Observe(Usage.Of(_time.GetUtcNow(), cpu: cpu, load: load))!.Value;
        }

        var ignored = new[] { Next(10, 300), Next(10, 300) };
        Next(95, 300);
        var limited = Next(95, 300);
        Next(10, 300);
        var restored = Next(10, 300);

        Assert.All(ignored, s => Assert.Equal(NodeProtectionState.Normal, s.State));
        Assert.Equal((ProtectionTransition.Limited, ProtectedResource.Cpu), (limited.Transition, limited.Metric));
        Assert.Equal(ProtectionTransition.Restored, restored.Transition);
    }
}
