using Granary.Grains.Events;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Persistence;
using Granary.Placement;
using Granary.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Controller;

/// <summary>
/// The cluster's controller. Domains register on their keep-alive; workflows go to the fitting domain with the fewest
/// workflows. Workflows are persisted; registered domains are not (they refresh within one of their intervals). On the
/// keep-alive timer: domains past their deadline are dropped and their workflows become orphans; workflows whose domain
/// reports that it no longer runs them (an orchestrator restart) are redeployed there; orphans are redeployed on a
/// fitting domain as soon as one is registered.
/// </summary>
[GrainType("granary.controller")]
[SiloRolePlacement("controller")]
internal sealed partial class ControllerGrain(
    [PersistentState("controller")] IPersistentState<ControllerState> state,
    IOptions<ControllerOptions> options,
    ILogger<ControllerGrain> logger,
    TimeProvider time) : Grain, IControllerGrain
{
    private readonly ControllerOptions _options = options.Value;
    private readonly Dictionary<string, DomainEntry> _domains = new(StringComparer.Ordinal);
    private DateTimeOffset _activatedAt;

    private Dictionary<string, WorkflowRecord> Workflows => state.State.Workflows;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        RegisterTimer(_ => KeepAliveAsync(), _options.KeepAliveInterval, _options.KeepAliveInterval);
        return Task.CompletedTask;
    }

    public Task RegisterDomain(DomainRegistration registration)
    {
        var now = time.GetUtcNow();
        var id = registration.Summary.DomainId;
        if (!_domains.ContainsKey(id))
        {
            LogDomainRegistered(logger, id, string.Join(",", registration.Summary.Runtimes), string.Join(",", registration.Summary.ResourceClasses));
        }

        _domains[id] = new DomainEntry(registration.Summary, now + 2 * registration.RefreshInterval, now, registration.RefreshInterval);
        return Task.CompletedTask;
    }

    public async Task<string> StartWorkflow(WorkflowSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.ComponentNames.Any())
        {
            throw new WorkflowRejectedException("The workflow has no functions and no resources.");
        }

        var domain = ChooseDomain(spec, out var why) ?? throw new WorkflowRejectedException(why);
        var record = new WorkflowRecord { Id = Guid.NewGuid().ToString("D"), Spec = spec, StartedAt = time.GetUtcNow() };
        await DeployAsync(record, domain);
        Workflows[record.Id] = record;
        await state.WriteStateAsync();
        LogWorkflowStarted(logger, record.Id, domain);
        await PublishAsync(domain, new WorkflowStarted(record.Id, [domain], time.GetUtcNow()));
        return record.Id;
    }

    public async Task<bool> StopWorkflow(string workflowId)
    {
        if (!Workflows.Remove(workflowId, out var record))
        {
            return false;
        }

        await state.WriteStateAsync();
        if (record.DomainId is { } domain)
        {
            await TryAsync(() => Domain(domain).StopWorkflow(workflowId), $"stop workflow {workflowId} in domain {domain}");
            await PublishAsync(domain, new WorkflowStopped(workflowId, "stopped on request", time.GetUtcNow()));
        }

        LogWorkflowStopped(logger, workflowId);
        return true;
    }

    public Task<List<WorkflowInfo>> ListWorkflows() =>
        Task.FromResult(Workflows.Values.OrderBy(w => w.StartedAt).ThenBy(w => w.Id, StringComparer.Ordinal).Select(Info).ToList());

    public async Task<WorkflowDetails?> InspectWorkflow(string workflowId)
    {
        if (!Workflows.TryGetValue(workflowId, out var record))
        {
            return null;
        }

        DomainStatus? status = null;
        if (record.DomainId is { } domain)
        {
            try
            {
                using (GrainCallOptions.WithTimeout(TimeSpan.FromSeconds(5)))
                {
                    status = await Domain(domain).Inspect();
                }
            }
            catch (Exception ex)
            {
                LogActionFailed(logger, $"inspect domain {domain}", ex.Message);
            }
        }

        var components = new List<ComponentInfo>();
        foreach (var function in record.Spec.Functions)
        {
            components.Add(Component(record, function.Name, function.ClassSpecification.FunctionType.ToWireName(), status));
        }

        foreach (var resource in record.Spec.Resources)
        {
            components.Add(Component(record, resource.Name, resource.ClassType, status));
        }

        return new WorkflowDetails { Workflow = Info(record), Components = components };
    }

    public Task<List<DomainInfo>> ListDomains() => Task.FromResult(_domains.Values.OrderBy(d => d.Summary.DomainId, StringComparer.Ordinal).Select(d => new DomainInfo
    {
        DomainId = d.Summary.DomainId,
        Runtimes = d.Summary.Runtimes,
        ResourceClasses = d.Summary.ResourceClasses,
        NodeCount = d.Summary.Nodes.Count,
        WorkflowCount = Workflows.Values.Count(w => w.DomainId == d.Summary.DomainId),
        Deadline = d.Deadline,
    }).ToList());

    public async Task<DomainSummary?> InspectDomain(string domainId)
    {
        if (!_domains.ContainsKey(domainId))
        {
            return null;
        }

        using (GrainCallOptions.WithTimeout(TimeSpan.FromSeconds(5)))
        {
            return await Domain(domainId).Describe();
        }
    }

    public async Task<List<NodeSummary>> ListNodes()
    {
        var nodes = new List<NodeSummary>();
        foreach (var domainId in _domains.Keys.Order(StringComparer.Ordinal).ToList())
        {
            try
            {
                using (GrainCallOptions.WithTimeout(TimeSpan.FromSeconds(5)))
                {
                    nodes.AddRange((await Domain(domainId).Describe()).Nodes);
                }
            }
            catch (Exception ex)
            {
                // A domain that does not answer now is reported by its last refresh.
                LogActionFailed(logger, $"describe domain {domainId}", ex.Message);
                if (_domains.TryGetValue(domainId, out var entry))
                {
                    nodes.AddRange(entry.Summary.Nodes);
                }
            }
        }

        return nodes;
    }

    public async Task<NodeDetails?> InspectNode(string nodeId)
    {
        var node = (await ListNodes()).FirstOrDefault(n =>
            string.Equals(n.NodeId.ToString("D"), nodeId, StringComparison.OrdinalIgnoreCase) || (n.Name.Length > 0 && n.Name == nodeId));
        if (node is null)
        {
            return null;
        }

        using (GrainCallOptions.WithTimeout(TimeSpan.FromSeconds(5)))
        {
            var instances = await GrainFactory.GetGrain<INodeGrain>(node.NodeId.ToString("D")).Instances();
            return new NodeDetails { Node = node, Instances = instances };
        }
    }

    private async Task KeepAliveAsync()
    {
        var now = time.GetUtcNow();
        var changed = false;
        var abandoned = new List<(string Workflow, string Domain)>();
        foreach (var lost in _domains.Values.Where(d => d.Deadline < now).ToList())
        {
            LogDomainLost(logger, lost.Summary.DomainId);
            _domains.Remove(lost.Summary.DomainId);
        }

        foreach (var record in Workflows.Values)
        {
            if (record.DomainId is not { } domainId)
            {
                continue;
            }

            if (_domains.TryGetValue(domainId, out var domain))
            {
                // A refresh that does not list the workflow although it was received a full refresh interval after
                // the deployment (so it was surely produced after it): the domain lost it, as an orchestrator
                // restart keeps no workflows.
                if (domain.ReceivedAt > record.DeployedAt + domain.RefreshInterval && !domain.Summary.Workflows.Contains(record.Id, StringComparer.Ordinal))
                {
                    LogWorkflowLostByDomain(logger, record.Id, domainId);
                    MakeOrphan(record);
                    changed = true;
                }
            }
            else if (now - _activatedAt > _options.DomainGracePeriod)
            {
                LogWorkflowOrphaned(logger, record.Id, domainId);
                abandoned.Add((record.Id, domainId));
                MakeOrphan(record);
                changed = true;
            }
        }

        // A lost domain may still be alive without nodes: make sure it does not start the workflow again later.
        foreach (var (workflow, domainId) in abandoned)
        {
            await TryAsync(async () =>
            {
                using (GrainCallOptions.WithTimeout(_options.KeepAliveInterval))
                {
                    await Domain(domainId).StopWorkflow(workflow);
                }
            }, $"stop orphaned workflow {workflow} in lost domain {domainId}");
        }

        foreach (var orphan in Workflows.Values.Where(w => w.DomainId is null).OrderBy(w => w.StartedAt).ToList())
        {
            if (ChooseDomain(orphan.Spec, out _) is not { } domain)
            {
                continue;
            }

            try
            {
                // Whatever a previous deployment left there goes first, so the domain accepts the workflow id again.
                await Domain(domain).StopWorkflow(orphan.Id);
                await DeployAsync(orphan, domain);
                LogWorkflowRedeployed(logger, orphan.Id, domain);
                changed = true;
            }
            catch (Exception ex)
            {
                LogActionFailed(logger, $"redeploy workflow {orphan.Id} on domain {domain}", ex.Message);
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    private static void MakeOrphan(WorkflowRecord record)
    {
        record.DomainId = null;
        record.Components = new Dictionary<string, Identity.LogicalFunctionId>(StringComparer.Ordinal);
    }

    private async Task DeployAsync(WorkflowRecord record, string domain)
    {
        var components = await Domain(domain).DeployWorkflow(record.Id, record.Spec);
        record.DomainId = domain;
        record.Components = new Dictionary<string, Identity.LogicalFunctionId>(components, StringComparer.Ordinal);
        record.DeployedAt = time.GetUtcNow();
    }

    /// <summary>The fitting live domain with the fewest workflows; null with the reason when none fits.</summary>
    private string? ChooseDomain(WorkflowSpec spec, out string why)
    {
        var runtimes = spec.Functions.Select(f => f.ClassSpecification.FunctionType.ToWireName()).Distinct(StringComparer.Ordinal).ToList();
        var classes = spec.Resources.Select(r => r.ClassType).Distinct(StringComparer.Ordinal).ToList();
        var now = time.GetUtcNow();
        var live = _domains.Values.Where(d => d.Deadline >= now).ToList();
        var fitting = live
            .Where(d => runtimes.All(r => d.Summary.Runtimes.Contains(r, StringComparer.Ordinal)) && classes.All(c => d.Summary.ResourceClasses.Contains(c, StringComparer.Ordinal)))
            .OrderBy(d => Workflows.Values.Count(w => w.DomainId == d.Summary.DomainId))
            .ThenBy(d => d.Summary.DomainId, StringComparer.Ordinal)
            .ToList();
        if (fitting.Count > 0)
        {
            why = string.Empty;
            return fitting[0].Summary.DomainId;
        }

        if (live.Count == 0)
        {
            why = "No domain is registered with the controller, so no domain can run the workflow.";
            return null;
        }

        var missing = new List<string>();
        foreach (var runtime in runtimes.Where(r => !live.Any(d => d.Summary.Runtimes.Contains(r, StringComparer.Ordinal))))
        {
            var users = spec.Functions.Where(f => f.ClassSpecification.FunctionType.ToWireName() == runtime).Select(f => f.Name);
            missing.Add($"runtime {runtime} (needed by {string.Join(", ", users)})");
        }

        foreach (var classType in classes.Where(c => !live.Any(d => d.Summary.ResourceClasses.Contains(c, StringComparer.Ordinal))))
        {
            var users = spec.Resources.Where(r => r.ClassType == classType).Select(r => r.Name);
            missing.Add($"resource class {classType} (needed by {string.Join(", ", users)})");
        }

        var offered = string.Join("; ", live.OrderBy(d => d.Summary.DomainId, StringComparer.Ordinal).Select(d =>
            $"{d.Summary.DomainId} offers runtimes [{string.Join(", ", d.Summary.Runtimes)}] and resource classes [{string.Join(", ", d.Summary.ResourceClasses)}]"));
        why = missing.Count > 0
            ? $"No domain offers {string.Join(" or ", missing)}. Registered: {offered}."
            : $"No single domain offers every runtime ({string.Join(", ", runtimes)}) and resource class ({string.Join(", ", classes)}) the workflow needs. Registered: {offered}.";
        return null;
    }

    private ComponentInfo Component(WorkflowRecord record, string name, string kind, DomainStatus? status)
    {
        if (!record.Components.TryGetValue(name, out var lid))
        {
            return new ComponentInfo { Name = name, Kind = kind, DomainId = record.DomainId };
        }

        return new ComponentInfo
        {
            Name = name,
            Kind = kind,
            DomainId = record.DomainId,
            LogicalId = lid,
            Instances = status?.Instances.TryGetValue(lid, out var instances) == true ? [.. instances] : [],
            UnplacedReason = status is null ? "the domain did not answer" : status.Unplaced.GetValueOrDefault(lid),
        };
    }

    private static WorkflowInfo Info(WorkflowRecord record) => new()
    {
        WorkflowId = record.Id,
        DomainId = record.DomainId,
        State = record.DomainId is null ? WorkflowState.Orphan : WorkflowState.Active,
        ComponentCount = record.Spec.Functions.Count + record.Spec.Resources.Count,
        StartedAt = record.StartedAt,
    };

    private IDomainGrain Domain(string domainId) => GrainFactory.GetGrain<IDomainGrain>(domainId);

    /// <summary>Publishes on the domain's platform event stream; a failure (or no such provider) is only logged.</summary>
    private Task PublishAsync(string domainId, PlatformEvent item) => string.IsNullOrEmpty(_options.EventStreamProvider)
        ? Task.CompletedTask
        : TryAsync(
            () => GetStreamProvider(_options.EventStreamProvider).GetStream<PlatformEvent>(new StreamId(PlatformStreams.Namespace, domainId)).OnNextAsync(item),
            $"publish {item.GetType().Name} on stream {PlatformStreams.Namespace}/{domainId}");

    private async Task TryAsync(Func<Task> action, string what)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, what, ex.Message);
        }
    }

    private sealed record DomainEntry(DomainSummary Summary, DateTimeOffset Deadline, DateTimeOffset ReceivedAt, TimeSpan RefreshInterval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Domain {Domain} registered (runtimes {Runtimes}; resource classes {Classes})")]
    private static partial void LogDomainRegistered(ILogger logger, string domain, string runtimes, string classes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Domain {Domain} missed its deadline; its workflows become orphans")]
    private static partial void LogDomainLost(ILogger logger, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Workflow} started on domain {Domain}")]
    private static partial void LogWorkflowStarted(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Workflow} stopped")]
    private static partial void LogWorkflowStopped(ILogger logger, string workflow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Workflow} is an orphan: domain {Domain} is gone")]
    private static partial void LogWorkflowOrphaned(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Workflow} is no longer run by domain {Domain}; redeploying it")]
    private static partial void LogWorkflowLostByDomain(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Workflow} redeployed on domain {Domain}")]
    private static partial void LogWorkflowRedeployed(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Controller could not {What}: {Reason}")]
    private static partial void LogActionFailed(ILogger logger, string what, string reason);
}
