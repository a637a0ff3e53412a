using Granary.Grains.Nodes;

namespace Granary.Grains.Protection;

/// <summary>
/// The protection state machine of one node, fed its usage samples in order: Normal → Limited after
/// <see cref="ProtectionThresholds.ConsecutiveSamples"/> samples in a row with a resource above its threshold,
/// Limited → Tainted after as many more, and Limited or Tainted → Normal after as many samples in a row with every
/// resource below the release level. A sample between the release level and the thresholds breaks both runs (the
/// state holds: hysteresis). Every sample of a tainted node that is not below the release level asks for one instance
/// to be shed. Only the watched resources (<see cref="ProtectionThresholds.Watch"/>) count. Samples not newer than the last one are ignored (a refresh that was retried), so a sample never
/// counts twice. Pure: no clock, no I/O.
/// </summary>
public sealed class NodeProtection(ProtectionThresholds thresholds)
{
    private int _breaches;
    private int _releases;
    private DateTimeOffset? _lastSample;

    /// <summary>The thresholds this node is held to.</summary>
    public ProtectionThresholds Thresholds { get; } = thresholds;

    /// <summary>The node's current state.</summary>
    public NodeProtectionState State { get; private set; }

    /// <summary>Takes one sample; null when it is not newer than the previous one and was ignored.</summary>
    public ProtectionStep? Observe(NodeUsage sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (_lastSample is { } last && sample.At <= last)
        {
            return null;
        }

        _lastSample = sample.At;
        var (metric, value, threshold) = Worst(sample);
        var breached = value > threshold;
        var released = Thresholds.Watched.All(r => sample.PercentOf(r) < Thresholds.Release);
        if (breached)
        {
            _breaches++;
            _releases = 0;
        }
        else if (released)
        {
            _releases++;
            _breaches = 0;
        }
        else
        {
            _breaches = 0;
            _releases = 0;
        }

        var transition = ProtectionTransition.None;
        var required = Math.Max(1, Thresholds.ConsecutiveSamples);
        if (_breaches >= required && State != NodeProtectionState.Tainted)
        {
            State = State == NodeProtectionState.Normal ? NodeProtectionState.Limited : NodeProtectionState.Tainted;
            transition = State == NodeProtectionState.Limited ? ProtectionTransition.Limited : ProtectionTransition.Tainted;
            _breaches = 0;
        }
        else if (_releases >= required && State != NodeProtectionState.Normal)
        {
            State = NodeProtectionState.Normal;
            transition = ProtectionTransition.Restored;
            _releases = 0;
        }

        var level = transition == ProtectionTransition.Restored || (!breached && released) ? Thresholds.Release : threshold;
        return new ProtectionStep(State, transition, metric, value, level, State == NodeProtectionState.Tainted && !released);
    }

    /// <summary>The resource with the largest excess over (or the smallest distance below) its threshold.</summary>
    private (ProtectedResource Metric, double Value, double Threshold) Worst(NodeUsage sample)
    {
        var worst = ProtectedResource.Cpu;
        var excess = double.NegativeInfinity;
        foreach (var resource in Thresholds.Watched)
        {
            var over = sample.PercentOf(resource) - Thresholds.For(resource);
            if (over > excess)
            {
                (worst, excess) = (resource, over);
            }
        }

        // Nothing watched: nothing is ever breached.
        return double.IsNegativeInfinity(excess) ? (worst, 0, double.PositiveInfinity) : (worst, sample.PercentOf(worst), Thresholds.For(worst));
    }
}
