using Granary.Client;
using Granary.Grains.Controller;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Microsoft.Extensions.Options;

namespace Granary.Dashboard.Live;

/// <summary>
/// Reads the cluster's state for the workflows and nodes pages through the same client API as the CLI (the controller
/// for workflows and domains, each domain's snapshot for nodes, health, cordon flags and channels), and keeps each
/// node's health over the last minutes. One reader serves every follower; calls are made one at a time.
/// </summary>
public sealed class LiveStateReader(GranaryClient client, IOptions<GranaryDashboardOptions> options, TimeProvider time)
{
    private readonly Dictionary<Guid, RollingSeries> _health = [];

    /// <summary>Reads everything once and returns the two pages' views.</summary>
    public async Task<(WorkflowsView Workflows, NodesView Nodes)> ReadAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var domains = await client.Domains.ListAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = new Dictionary<string, DomainSnapshot>(StringComparer.Ordinal);
        foreach (var domain in domains)
        {
            snapshots[domain.DomainId] = await client.Grains.GetGrain<IDomainGrain>(domain.DomainId).Snapshot().ConfigureAwait(false);
        }

        var nodeNames = snapshots.Values.SelectMany(s => s.Nodes).ToDictionary(n => n.Descriptor.NodeId, n => n.Descriptor.DisplayName);
        var functions = snapshots.Values.SelectMany(s => s.Functions).ToDictionary(f => f.LogicalId);
        var workflows = new List<WorkflowView>();
        foreach (var info in await client.Workflows.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await client.Workflows.InspectAsync(info.WorkflowId, cancellationToken).ConfigureAwait(false) is { } details)
            {
                workflows.Add(Workflow(details, functions, nodeNames));
            }
        }

        var nodes = new List<NodeView>();
        foreach (var (domainId, snapshot) in snapshots.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            foreach (var node in snapshot.Nodes)
            {
                nodes.Add(Node(domainId, node, snapshot, now));
            }
        }

        foreach (var gone in _health.Keys.Where(id => !nodeNames.ContainsKey(id)).ToList())
        {
            _health.Remove(gone);
        }

        var domainViews = domains.Select(d => new DomainView(d.DomainId, d.Runtimes, d.ResourceClasses, d.NodeCount,
            [.. workflows.Where(w => w.DomainId == d.DomainId).Select(w => w.Id)])).ToList();
        var functionRefs = snapshots.Values.SelectMany(s => s.Functions.Where(f => !f.IsResource).Select(f => new FunctionRefView(
            f.LogicalId.ToString(), s.DomainId, f.WorkflowId, f.Component, [.. f.Instances.Select(i => i.NodeId.ToString("D")).Distinct()]))).ToList();
        return (new WorkflowsView(workflows), new NodesView(now, domainViews, nodes, functionRefs));
    }

    private static WorkflowView Workflow(WorkflowDetails details, Dictionary<LogicalFunctionId, FunctionSnapshot> functions, Dictionary<Guid, string> nodeNames)
    {
        var names = details.Components.Where(c => c.LogicalId is not null).ToDictionary(c => c.LogicalId!.Value, c => c.Name);
        var components = new List<ComponentView>();
        var channels = new List<ChannelView>();
        foreach (var c in details.Components)
        {
            var snapshot = c.LogicalId is { } lid ? functions.GetValueOrDefault(lid) : null;
            var state = c.Instances.Count > 0 ? "running" : c.UnplacedReason is not null ? "unplaced" : "not running";
            components.Add(new ComponentView(c.Name, c.Kind, snapshot?.IsResource ?? false, state, c.LogicalId?.ToString(), c.UnplacedReason,
                [.. c.Instances.Select(i => new InstanceView(i.ToString(), i.NodeId.ToString("D"), nodeNames.GetValueOrDefault(i.NodeId, i.NodeId.ToString("D"))))]));
            foreach (var (channel, target) in snapshot?.Dependencies ?? [])
            {
                if (names.TryGetValue(target, out var to))
                {
                    channels.Add(new ChannelView(c.Name, channel, to));
                }
            }
        }

        var w = details.Workflow;
        return new WorkflowView(w.WorkflowId, w.State.ToString(), w.DomainId, w.StartedAt, components, channels);
    }

    private NodeView Node(string domainId, NodeSnapshot node, DomainSnapshot snapshot, DateTimeOffset now)
    {
        var d = node.Descriptor;
        var c = d.Capabilities;
        var health = new HealthView(node.Health.ProcCpuUsage, Math.Round(node.Health.MemUsed / 1024.0, 1), node.Health.LoadAvg1 / 100.0);
        if (!_health.TryGetValue(d.NodeId, out var series))
        {
            series = new RollingSeries(options.Value.HistoryWindow, 3);
            _health[d.NodeId] = series;
        }

        series.Add(now, health.CpuPercent, health.MemoryUsedMiB, health.Load1);
        var instances = snapshot.Functions.SelectMany(f => f.Instances.Where(i => i.NodeId == d.NodeId)
            .Select(i => new NodeInstanceView(i.ToString(), f.WorkflowId, f.Component, f.LogicalId.ToString()))).ToList();
        return new NodeView(
            d.NodeId.ToString("D"), d.Name, domainId, node.Cordoned,
            new CapabilitiesView(c.NumCpus, c.NumCores, c.ModelNameCpu, c.MemSize, c.DiskTotSpace, c.Runtimes, [.. d.ResourceProviders.Select(r => r.ClassType).Distinct()],
                c.IsTeeRunning, c.HasTpm, c.NumGpus),
            c.Labels, health, new HealthHistoryView(series.Times(), series.Values(0), series.Values(1), series.Values(2)), instances);
    }
}
