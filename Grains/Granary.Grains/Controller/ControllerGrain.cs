using Granary.Hosting;
using Granary.Grains.Events;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Orleans.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Controller;

/// <summary>
/// The cluster's controller. Domains register on their keep-alive; workflows go to the fitting domain with the fewest
/// workflows. Each workflow is a <see cref="IWorkflowGrain"/> holding its specification and deployment; the controller
/// persists the index of them, so both survive a controller restart. Registered domains are not persisted (they refresh
/// within one of their intervals). On the keep-alive timer: domains past their deadline are dropped and their workflows
/// become orphans; workflows whose domain reports that it no longer runs them (an orchestrator restart) become orphans
/// too; orphans are redeployed on a fitting domain as soon as one is registered.
/// </summary>
[GrainType("granary.controller")]
[SiloRolePlacement(SiloRoles.Controller)]
internal sealed partial class ControllerGrain(
    [PersistentState("controller")] IPersistentState<ControllerState> state,
    IOptions<ControllerOptions> options,
    ILogger<ControllerGrain> logger,
    TimeProvider time) : Grain, IControllerGrain
{
    /// <summary>A domain is lost when it misses this many refresh intervals (one late refresh under load is not a loss).</summary>
    private const int RefreshTolerance = 3;

    /// <summary>How long the controller waits for a domain or node to describe itself.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private readonly ControllerOptions _options = options.Value;
    private readonly Dictionary<string, DomainEntry> _domains = new(StringComparer.Ordinal);
    private DateTimeOffset _activatedAt;

    private Dictionary<string, WorkflowInfo> Workflows => state.State.Workflows;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        this.RegisterGrainTimer(KeepAliveAsync, _options.KeepAliveInterval, _options.KeepAliveInterval);
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

        _domains[id] = new DomainEntry(registration.Summary, now + RefreshTolerance * registration.RefreshInterval, now, registration.RefreshInterval);
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
        var id = Guid.NewGuid().ToString("D");

        // Indexed before it starts, with no domain: should the controller die before the start completes, the
        // keep-alive finds either a started workflow to check or an empty workflow grain to drop, never an unindexed
        // deployment.
        Workflows[id] = new WorkflowInfo { WorkflowId = id, State = WorkflowState.Starting, StartedAt = time.GetUtcNow(), ComponentCount = spec.ComponentNames.Count() };
        await state.WriteStateAsync();
        try
        {
            Workflows[id] = await Workflow(id).Start(spec, domain);
        }
        catch
        {
            Workflows.Remove(id);
            await state.WriteStateAsync();
            throw;
        }

        await state.WriteStateAsync();
        return id;
    }

    public async Task<bool> StopWorkflow(string workflowId)
    {
        if (!Workflows.Remove(workflowId))
        {
            return false;
        }

        await state.WriteStateAsync();
        await Workflow(workflowId).Stop();
        return true;
    }

    public Task<List<WorkflowInfo>> ListWorkflows() =>
        Task.FromResult(Workflows.Values.OrderBy(w => w.StartedAt).ThenBy(w => w.WorkflowId, StringComparer.Ordinal).ToList());

    public async Task WorkflowChanged(string workflowId)
    {
        if (Workflows.ContainsKey(workflowId)
            && await TryUpdateAsync(workflowId, static async w => await w.Info() ?? throw new InvalidOperationException("the workflow is gone"), "refresh workflow"))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<WorkflowDetails?> InspectWorkflow(string workflowId) =>
        Workflows.ContainsKey(workflowId) ? Workflow(workflowId).Inspect() : Task.FromResult<WorkflowDetails?>(null);

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

        return await Domain(domainId).Describe().WaitAsync(CallTimeout);
    }

    public async Task<List<NodeSummary>> ListNodes()
    {
        var nodes = new List<NodeSummary>();
        foreach (var domainId in _domains.Keys.Order(StringComparer.Ordinal).ToList())
        {
            try
            {
                nodes.AddRange((await Domain(domainId).Describe().WaitAsync(CallTimeout)).Nodes);
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

        var instances = await GrainFactory.GetGrain<INodeGrain>(node.NodeId.ToString("D")).Instances().WaitAsync(CallTimeout);
        return new NodeDetails { Node = node, Instances = instances };
    }

    private async Task KeepAliveAsync()
    {
        var now = time.GetUtcNow();
        var changed = false;
        foreach (var lost in _domains.Values.Where(d => d.Deadline < now).ToList())
        {
            LogDomainLost(logger, lost.Summary.DomainId);
            _domains.Remove(lost.Summary.DomainId);
        }

        foreach (var info in Workflows.Values.ToList())
        {
            if (info.DomainId is not { } domainId)
            {
                continue;
            }

            if (_domains.TryGetValue(domainId, out var domain))
            {
                // A refresh that does not list the workflow although it was received a full refresh interval after
                // the deployment (so it was surely produced after it): the domain lost it, as an orchestrator
                // restart keeps no workflows.
                if (domain.ReceivedAt > info.DeployedAt + domain.RefreshInterval && !domain.Summary.Workflows.Contains(info.WorkflowId, StringComparer.Ordinal))
                {
                    LogWorkflowLostByDomain(logger, info.WorkflowId, domainId);
                    changed |= await TryUpdateAsync(info.WorkflowId, w => w.Orphan(false, _options.KeepAliveInterval), "orphan workflow");
                }
            }
            else if (now - _activatedAt > _options.DomainGracePeriod)
            {
                LogWorkflowOrphaned(logger, info.WorkflowId, domainId);
                changed |= await TryUpdateAsync(info.WorkflowId, w => w.Orphan(true, _options.KeepAliveInterval), "orphan workflow");
            }
        }

        // A run-to-completion workflow that ended is not run again when its domain is lost.
        foreach (var orphan in Workflows.Values.Where(w => w.DomainId is null && w.State is not (WorkflowState.Completed or WorkflowState.Failed)).OrderBy(w => w.StartedAt).ToList())
        {
            WorkflowInfo? current;
            WorkflowSpec? spec = null;
            try
            {
                current = await Workflow(orphan.WorkflowId).Info();
                if (current is { DomainId: null })
                {
                    spec = await Workflow(orphan.WorkflowId).Spec();
                }
            }
            catch (Exception ex)
            {
                LogActionFailed(logger, $"read workflow {orphan.WorkflowId}", ex.Message);
                continue;
            }

            if (current is null)
            {
                // Indexed by a start that never completed (the controller died during it): nothing runs anywhere.
                LogWorkflowNeverStarted(logger, orphan.WorkflowId);
                Workflows.Remove(orphan.WorkflowId);
                changed = true;
            }
            else if (current.DomainId is not null)
            {
                // Started, but the controller died before indexing it: index it as it is (checked like any other).
                Workflows[orphan.WorkflowId] = current;
                changed = true;
            }
            else if (spec is not null && ChooseDomain(spec, out _) is { } domain)
            {
                changed |= await TryUpdateAsync(orphan.WorkflowId, w => w.Redeploy(domain), $"redeploy workflow on domain {domain}");
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>Applies a change through the workflow's grain and indexes its new line; false (logged) when it fails.</summary>
    private async Task<bool> TryUpdateAsync(string workflowId, Func<IWorkflowGrain, Task<WorkflowInfo>> change, string what)
    {
        try
        {
            Workflows[workflowId] = await change(Workflow(workflowId));
            return true;
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, $"{what} {workflowId}", ex.Message);
            return false;
        }
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
            var up = now - _activatedAt;
            if (up < _options.DomainGracePeriod)
            {
                // A controller that just (re)started has not heard from the domains yet: they register with their
                // next keep-alive.
                why += $" The controller started {up.TotalSeconds:0.#} s ago and domains register within their keep-alive interval: try again in a few seconds.";
            }

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

    private IDomainGrain Domain(string domainId) => GrainFactory.GetGrain<IDomainGrain>(domainId);

    private IWorkflowGrain Workflow(string workflowId) => GrainFactory.GetGrain<IWorkflowGrain>(workflowId);

    private sealed record DomainEntry(DomainSummary Summary, DateTimeOffset Deadline, DateTimeOffset ReceivedAt, TimeSpan RefreshInterval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Domain {Domain} registered (runtimes {Runtimes}; resource classes {Classes})")]
    private static partial void LogDomainRegistered(ILogger logger, string domain, string runtimes, string classes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Domain {Domain} missed its deadline; its workflows become orphans")]
    private static partial void LogDomainLost(ILogger logger, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Workflow} is an orphan: domain {Domain} is gone")]
    private static partial void LogWorkflowOrphaned(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Workflow} is no longer run by domain {Domain}; redeploying it")]
    private static partial void LogWorkflowLostByDomain(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Workflow} was indexed by a start that never completed; dropping it")]
    private static partial void LogWorkflowNeverStarted(ILogger logger, string workflow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Controller could not {What}: {Reason}")]
    private static partial void LogActionFailed(ILogger logger, string what, string reason);
}
