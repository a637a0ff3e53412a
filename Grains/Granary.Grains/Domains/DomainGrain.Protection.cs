using Granary.Grains.Events;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Protection;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Domains;

/// <summary>
/// Node protection (FRACTAL's edge controller) in the domain: each refresh's usage samples go through the node's
/// <see cref="NodeProtection"/> (kept by <see cref="DomainProtection"/>), and the domain carries out what they decide:
/// it publishes <see cref="NodeLimited"/>, <see cref="NodeTainted"/> and <see cref="NodeRestored"/>, sends the node
/// its throttle, sheds one instance of a tainted node per sample (moved to a node that fits, else stopped and
/// remembered, see <see cref="InstanceShed"/>), and starts the remembered ones again on restore.
/// </summary>
internal sealed partial class DomainGrain
{
    /// <summary>Feeds the samples of a refresh to the node's protection and carries out each step.</summary>
    private async Task ProtectAsync(Guid nodeId, NodeRegistration registration)
    {
        if (!_protection.Enabled || !_nodes.TryGetValue(nodeId, out var node))
        {
            return;
        }

        var name = node.Descriptor.DisplayName;
        var domainId = this.GetPrimaryKeyString();
        foreach (var step in _protection.Observe(nodeId, node.Descriptor.Capabilities.Labels, registration.Usage))
        {
            var now = time.GetUtcNow();
            switch (step.Transition)
            {
                case ProtectionTransition.Limited:
                    LogNodeLimited(logger, name, step.Metric.ToString(), step.Value, step.Level);
                    Publish(new NodeLimited(nodeId, domainId, step.Metric, step.Value, step.Level, now));
                    break;
                case ProtectionTransition.Tainted:
                    LogNodeTainted(logger, name, step.Metric.ToString(), step.Value, step.Level);
                    Publish(new NodeTainted(nodeId, domainId, step.Metric, step.Value, step.Level, now));
                    break;
                case ProtectionTransition.Restored:
                    LogNodeRestored(logger, name, step.Metric.ToString(), step.Value, step.Level);
                    Publish(new NodeRestored(nodeId, domainId, step.Metric, step.Value, step.Level, now));
                    break;
            }

            await SendThrottleAsync(nodeId, name);
            if (step.Transition == ProtectionTransition.Restored)
            {
                await RestoreStoppedAsync(nodeId, name);
            }

            if (step.Shed)
            {
                await ShedOneAsync(nodeId, name, step);
            }
        }

        // A throttle that could not be sent is sent again with the next refresh.
        await SendThrottleAsync(nodeId, name);
    }

    private async Task SendThrottleAsync(Guid nodeId, string name)
    {
        if (_protection.ThrottleToSend(nodeId) is not { } throttle)
        {
            return;
        }

        try
        {
            await Node(nodeId).Throttle(throttle).WaitAsync(_options.KeepAliveInterval * 2);
            _protection.Sent(nodeId, throttle);
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, $"throttle node {name}", ex.GetBaseException().Message);
        }
    }

    /// <summary>
    /// Sheds the function instance of the tainted node that <see cref="SheddingPlanner"/> picks: moves it to a node that
    /// fits (not cordoned, not tainted, meeting its requirements; normal nodes before limited ones, nodes without an
    /// instance of it first), else stops it and remembers it. Resources stay: they serve their node.
    /// </summary>
    private async Task ShedOneAsync(Guid nodeId, string name, ProtectionStep step)
    {
        var candidates = _functions.Values
            .Where(f => f.Template.Function is not null)
            .SelectMany(f => f.Instances.Where(i => i.NodeId == nodeId).Select(i => new SheddingCandidate(
                i, f.Template.LogicalId, f.Name, SheddingPlanner.PriorityOf(f.Template.Function!.Annotations), f.Instances.Count)))
            .ToList();
        if (SheddingPlanner.Choose(candidates) is not { } chosen || !_functions.TryGetValue(chosen.LogicalId, out var function))
        {
            return;
        }

        // Never the shedding node itself (later samples of the same refresh may already have restored it); nodes not
        // limited either go first.
        var fits = EligibleNodes(function).Where(n => n.Descriptor.NodeId != nodeId).ToList();
        var normal = fits.Where(n => _protection.StateOf(n.Descriptor.NodeId) == NodeProtectionState.Normal).ToList();
        var preferred = normal.Count > 0 ? normal : fits;
        InstanceId? movedTo = null;
        if (preferred.Count > 0)
        {
            var decision = ChooseSpreading(function, preferred);
            if (decision.Chosen is { } target)
            {
                try
                {
                    movedTo = await MoveInstanceAsync(function, chosen.Instance, target.Descriptor.NodeId);
                }
                catch (Exception ex)
                {
                    LogActionFailed(logger, $"move {chosen.Instance} of {function.Name} off tainted node {name} to node {target.Descriptor.DisplayName}", ex.GetBaseException().Message);
                }
            }
        }

        if (movedTo is null)
        {
            function.Instances.Remove(chosen.Instance);
            _protection.RememberStopped(nodeId, function.Template.LogicalId);
            await TryAsync(() => Node(nodeId).StopInstance(chosen.Instance), $"stop {chosen.Instance}");
            await PatchWorkflowAsync(function.WorkflowId);
        }

        LogInstanceShed(logger, chosen.Instance, function.Name, name, movedTo is { } moved ? $"moved to node {_nodes[moved.NodeId].Descriptor.DisplayName}" : "stopped until the node is restored");
        Publish(new InstanceShed(chosen.Instance, function.Template.LogicalId, function.WorkflowId, this.GetPrimaryKeyString(), movedTo, step.Metric, step.Value, time.GetUtcNow()));
    }

    /// <summary>Starts again, on the restored node, the functions it stopped while tainted that still lack instances.</summary>
    private async Task RestoreStoppedAsync(Guid nodeId, string name)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var lid in _protection.TakeStopped(nodeId))
        {
            // Not when its tasks want nothing placed now: a job that ended meanwhile, or a task waiting out its back-off.
            if (!_functions.TryGetValue(lid, out var function) || function.Instances.Count >= function.Requirements.MaxInstances
                || function.Tasks.NextToPlace() is null || _cordoned.Contains(nodeId) || !_nodes.TryGetValue(nodeId, out var node) || !function.Requirements.Check(node.Descriptor).IsEligible)
            {
                continue;
            }

            try
            {
                function.Instances.Add(await Node(nodeId).StartInstance(function.Template));
                function.UnplacedReason = null;
                affected.Add(function.WorkflowId);
                LogInstanceRestored(logger, function.Name, name);
            }
            catch (Exception ex)
            {
                LogActionFailed(logger, $"start {function.Name} again on restored node {name}", ex.GetBaseException().Message);
            }
        }

        foreach (var workflow in affected)
        {
            await PatchWorkflowAsync(workflow);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is limited: {Metric} at {Value:0.#}% is above its threshold of {Threshold:0.#}%")]
    private static partial void LogNodeLimited(ILogger logger, string node, string metric, double value, double threshold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is tainted: {Metric} at {Value:0.#}% stays above its threshold of {Threshold:0.#}%; no new placements there, shedding its instances")]
    private static partial void LogNodeTainted(ILogger logger, string node, string metric, double value, double threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} is restored: every resource is below {Release:0.#}% ({Metric} at {Value:0.#}%)")]
    private static partial void LogNodeRestored(ILogger logger, string node, string metric, double value, double release);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shed instance {Instance} of {Component} from tainted node {Node}: {Outcome}")]
    private static partial void LogInstanceShed(ILogger logger, InstanceId instance, string component, string node, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Component} again on restored node {Node}")]
    private static partial void LogInstanceRestored(ILogger logger, string component, string node);
}
