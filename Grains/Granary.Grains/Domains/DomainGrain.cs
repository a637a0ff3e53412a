using Granary.Hosting;
using Granary.Grains.Controller;
using Granary.Grains.Domains.Scheduling;
using Granary.Grains.Domains.Tasks;
using Granary.Grains.Events;
using Granary.Grains.Identity;
using Granary.Grains.Jobs;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Protection;
using Granary.Grains.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Domains;

/// <summary>
/// The orchestrator of one domain. Keeps registered nodes with their deadlines, places instances (deployment
/// requirements, then the domain's strategy), keeps every instance's outputs patched, restarts crashed instances,
/// relocates the instances of lost nodes (silo gone; or deadline missed, by more than a refresh interval or without
/// answering a probe), and retries unplaceable ones every keep-alive interval. A node that joins has the instances
/// the domain does not count on it stopped. Operators and delegated orchestrators may migrate a function to a chosen
/// node and cordon nodes (no new placements there). Nodes report health and performance samples with each refresh;
/// the latest health and a bounded window of samples per instance are kept for <see cref="Snapshot"/>. State lives
/// in memory: after an orchestrator restart, nodes re-register within one refresh interval. On each
/// keep-alive the domain also registers with the cluster's controller (when there is one and the domain has nodes),
/// reporting its capabilities and workflows; without a controller silo the registration fails soft and is retried at
/// the next keep-alive. Jobs: each function's instance slots are tasks (<see cref="FunctionTasks"/>) with a restart
/// policy and back-off; nodes are chosen by a <see cref="PlacementScheduler"/>; a run-to-completion workflow ends when
/// its tasks did.
/// </summary>
[GrainType("granary.domain")]
[SiloRolePlacement(SiloRoles.Orchestrator)]
internal sealed partial class DomainGrain(
    IOptions<DomainOptions> options, ILogger<DomainGrain> logger, TimeProvider time, IClusterManifestProvider manifests, IOptions<ProtectionOptions> protectionOptions)
    : Grain, IDomainGrain
{
    private static readonly GrainType ControllerGrainType = GrainType.Create("granary.controller");
    private static readonly GrainType WorkflowGrainType = GrainType.Create("granary.workflow");

    private readonly DomainOptions _options = options.Value;
    private readonly Dictionary<Guid, NodeEntry> _nodes = [];
    private readonly Dictionary<LogicalFunctionId, LogicalFunction> _functions = [];
    private readonly Dictionary<string, Dictionary<string, LogicalFunctionId>> _workflows = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _cordoned = [];
    private readonly Dictionary<InstanceId, PerformanceLog> _performance = [];
    private readonly NodeAllocations _allocations = new();
    private Random _random = null!;
    private PlacementScheduler _scheduler = null!;
    private readonly Dictionary<string, JobStatus> _jobs = new(StringComparer.Ordinal);
    private long _registrations;
    private long _keepAliveRounds;
    private PlatformEventSink? _events;
    private DomainProtection _protection = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _protection = new DomainProtection(protectionOptions.Value, this.GetPrimaryKeyString());
        _random = _options.RandomSeed is { } seed ? new Random(seed) : new Random();
        _scheduler = new PlacementScheduler(_random);
        this.RegisterGrainTimer(KeepAliveAsync, _options.KeepAliveInterval, _options.KeepAliveInterval);
        return Task.CompletedTask;
    }

    public async Task<DateTimeOffset> RegisterNode(NodeRegistration registration)
    {
        var id = registration.Node.NodeId;
        var deadline = time.GetUtcNow() + 2 * registration.RefreshInterval;
        if (_nodes.TryGetValue(id, out var known) && known.Nonce != registration.Nonce)
        {
            // The node restarted: whatever it ran is gone.
            LogNodeRestarted(logger, registration.Node.DisplayName);
            _nodes.Remove(id);
            _protection.Forget(id);
            Publish(new NodeLost(id, this.GetPrimaryKeyString(), "restarted (registered with a new nonce)", time.GetUtcNow()));
            await RecoverFromLostNodesAsync([id]);
        }

        var isNew = !_nodes.ContainsKey(id);
        _nodes[id] = new NodeEntry(registration.Node, registration.Health, registration.Nonce, deadline, registration.RefreshInterval, isNew ? ++_registrations : known!.Order);
        RecordPerformance(id, registration.Performance);
        if (isNew)
        {
            LogNodeRegistered(logger, registration.Node.DisplayName, this.GetPrimaryKeyString());
            Publish(new NodeRegistered(id, this.GetPrimaryKeyString(), registration.Node.Capabilities, time.GetUtcNow()));
            await StopStrayInstancesAsync(id, registration.Node.DisplayName);
            await PlaceMissingAsync();
        }

        await ProtectAsync(id, registration);
        return deadline;
    }

    public async Task<Dictionary<string, LogicalFunctionId>> DeployWorkflow(string workflowId, WorkflowSpec spec)
    {
        if (_workflows.ContainsKey(workflowId))
        {
            throw new InvalidOperationException($"Workflow {workflowId} is already deployed in domain {this.GetPrimaryKeyString()}.");
        }

        var jobType = JobSpecification.JobTypeOf(spec);
        var components = new Dictionary<string, LogicalFunctionId>(StringComparer.Ordinal);
        _workflows[workflowId] = components;
        foreach (var function in spec.Functions)
        {
            var lid = LogicalFunctionId.New();
            components[function.Name] = lid;
            var requirements = DeploymentRequirements.ForFunction(function);
            _functions[lid] = new LogicalFunction(workflowId, new ComponentDeployment { WorkflowId = workflowId, LogicalId = lid, Function = function },
                requirements, function.OutputMapping, NewTasks(lid, workflowId, function.Name, requirements, TaskSpecification.Parse(function.Annotations), jobType), _allocations);
        }

        foreach (var resource in spec.Resources)
        {
            var lid = LogicalFunctionId.New();
            components[resource.Name] = lid;
            var requirements = DeploymentRequirements.ForResource(resource);
            _functions[lid] = new LogicalFunction(workflowId, new ComponentDeployment { WorkflowId = workflowId, LogicalId = lid, Resource = resource },
                requirements, resource.OutputMapping, NewTasks(lid, workflowId, resource.Name, requirements, TaskSpecification.Default, JobType.Continuous), _allocations);
        }

        if (jobType == JobType.RunToCompletion)
        {
            _jobs[workflowId] = new JobStatus(WorkflowState.Active, null);
        }

        foreach (var lid in components.Values)
        {
            await PlaceMissingInstancesAsync(_functions[lid]);
        }

        await PatchWorkflowAsync(workflowId);
        return components;
    }

    public async Task StopWorkflow(string workflowId)
    {
        if (!_workflows.Remove(workflowId, out var components))
        {
            return;
        }

        _jobs.Remove(workflowId);

        foreach (var lid in components.Values)
        {
            if (_functions.Remove(lid, out var function))
            {
                var instances = function.Instances.ToList();
                function.Instances.Clear();
                foreach (var instance in instances)
                {
                    await TryAsync(() => Node(instance.NodeId).StopInstance(instance), $"stop {instance}");
                }
            }

            Send(lid, static (grain, _) => grain.Retire(), (object?)null);
        }
    }

    public Task ReportInstanceFailure(InstanceId instance, string reason) => ReportInstanceExit(new InstanceExit { Instance = instance, Reason = reason });

    public async Task ReportInstanceExit(InstanceExit exit)
    {
        var function = _functions.Values.FirstOrDefault(f => f.Instances.Contains(exit.Instance));
        if (function is null)
        {
            return;
        }

        // The task's restart policy decides what follows (FunctionTasks): a restart after the back-off, or none.
        if (exit.Succeeded)
        {
            LogInstanceCompleted(logger, exit.Instance, function.Name);
        }
        else
        {
            LogInstanceCrashed(logger, exit.Instance, function.Name, exit.Reason);
        }

        function.Tasks.Exited(exit);
        function.Instances.Remove(exit.Instance);
        if (await EndJobIfDoneAsync(function.WorkflowId))
        {
            return;
        }

        WakeForRestart(function);
        await PlaceMissingInstancesAsync(function);
        await PatchWorkflowAsync(function.WorkflowId);
    }

    public Task<DomainStatus> Inspect() => Task.FromResult(new DomainStatus
    {
        DomainId = this.GetPrimaryKeyString(),
        Nodes = [.. _nodes.Keys],
        Instances = _functions.ToDictionary(f => f.Key, f => f.Value.Instances.ToArray()),
        Unplaced = _functions.Where(f => f.Value.UnplacedReason is not null).ToDictionary(f => f.Key, f => f.Value.UnplacedReason!),
        KeepAliveRounds = _keepAliveRounds,
        Tasks = _functions.Where(f => f.Value.Template.Function is not null).ToDictionary(f => f.Key, f => f.Value.Tasks.ToInfo()),
        Jobs = new Dictionary<string, JobStatus>(_jobs, StringComparer.Ordinal),
    });

    public Task<DomainSummary> Describe() => Task.FromResult(BuildSummary());

    public Task<DomainSnapshot> Snapshot()
    {
        var active = _functions.Values.SelectMany(f => f.Instances).ToHashSet();
        return Task.FromResult(new DomainSnapshot
        {
            DomainId = this.GetPrimaryKeyString(),
            Nodes = [.. _nodes.Values.OrderBy(n => n.Order).Select(n => new NodeSnapshot
            {
                Descriptor = n.Descriptor,
                Health = n.Health,
                Cordoned = _cordoned.Contains(n.Descriptor.NodeId),
                Protection = _protection.StateOf(n.Descriptor.NodeId),
            })],
            Functions = [.. _functions.Select(f => new FunctionSnapshot
            {
                LogicalId = f.Key,
                WorkflowId = f.Value.WorkflowId,
                Component = f.Value.Name,
                Annotations = new Dictionary<string, string>(f.Value.Template.Function?.Annotations ?? f.Value.Template.Resource!.Configurations, StringComparer.Ordinal),
                Instances = [.. f.Value.Instances],
                Dependencies = Dependencies(f.Value),
                IsResource = f.Value.Template.Resource is not null,
            })],
            Performance = [.. _performance.Where(p => active.Contains(p.Key)).Select(p => new InstancePerformance
            {
                Instance = p.Key,
                Total = p.Value.Total,
                Samples = [.. p.Value.Recent],
            })],
        });
    }

    public async Task Migrate(LogicalFunctionId function, Guid nodeId)
    {
        var domainId = this.GetPrimaryKeyString();
        if (!_functions.TryGetValue(function, out var moving))
        {
            throw new DomainRequestRejectedException($"Cannot migrate {function}: domain {domainId} runs no function with that logical id.");
        }

        var what = $"{moving.Name} ({function}) of workflow {moving.WorkflowId}";
        if (!_nodes.TryGetValue(nodeId, out var target))
        {
            throw new DomainRequestRejectedException($"Cannot migrate {what} to node {nodeId}: no such node is registered with domain {domainId}.");
        }

        var node = target.Descriptor.DisplayName;
        if (_cordoned.Contains(nodeId))
        {
            throw new DomainRequestRejectedException($"Cannot migrate {what} to node {node}: the node is cordoned.");
        }

        if (_protection.IsTainted(nodeId))
        {
            throw new DomainRequestRejectedException($"Cannot migrate {what} to node {node}: the node is tainted (protection).");
        }

        var verdict = moving.Requirements.Check(target.Descriptor);
        if (!verdict.IsEligible)
        {
            throw new DomainRequestRejectedException($"Cannot migrate {what} to node {node}: {verdict}.");
        }

        if (moving.Instances.Count == 0)
        {
            throw new DomainRequestRejectedException($"Cannot migrate {what}: it has no running instance ({moving.UnplacedReason ?? "not placed yet"}).");
        }

        var index = moving.Instances.FindIndex(i => i.NodeId != nodeId);
        if (index < 0)
        {
            return;
        }

        try
        {
            await MoveInstanceAsync(moving, moving.Instances[index], nodeId);
        }
        catch (Exception ex)
        {
            throw new DomainRequestRejectedException($"Cannot migrate {what} to node {node}: the node failed to start it: {ex.Message}");
        }
    }

    /// <summary>
    /// Starts a replacement of <paramref name="old"/> on <paramref name="nodeId"/> (failing, with nothing changed, when
    /// the node cannot start it), re-patches the workflow, then stops the old instance; returns the new one.
    /// </summary>
    private async Task<InstanceId> MoveInstanceAsync(LogicalFunction moving, InstanceId old, Guid nodeId)
    {
        var started = await Node(nodeId).StartInstance(moving.Template);

        // Make before break: upstream components are wired to the new instance before the old one stops.
        var index = moving.Instances.IndexOf(old);
        if (index >= 0)
        {
            moving.Instances[index] = started;
        }
        else
        {
            moving.Instances.Add(started);
        }

        LogMigrated(logger, moving.Name, old, started);
        await PatchWorkflowAsync(moving.WorkflowId);
        await TryAsync(() => Node(old.NodeId).StopInstance(old), $"stop {old}");
        return started;
    }

    public async Task Cordon(Guid nodeId, bool cordoned)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            throw new DomainRequestRejectedException(
                $"Cannot {(cordoned ? "cordon" : "uncordon")} node {nodeId}: no such node is registered with domain {this.GetPrimaryKeyString()}.");
        }

        if (cordoned ? _cordoned.Add(nodeId) : _cordoned.Remove(nodeId))
        {
            LogCordoned(logger, node.Descriptor.DisplayName, cordoned);
            if (!cordoned)
            {
                await PlaceMissingAsync();
            }
        }
    }

    /// <summary>Output channel to the logical id of the component it feeds (channels to unknown names are left out).</summary>
    private Dictionary<string, LogicalFunctionId> Dependencies(LogicalFunction function) =>
        _workflows.TryGetValue(function.WorkflowId, out var components)
            ? function.OutputMapping.Where(m => components.ContainsKey(m.Value)).ToDictionary(m => m.Key, m => components[m.Value], StringComparer.Ordinal)
            : [];

    /// <summary>Keeps the samples a node reported for its own instances, at most the configured window per instance.</summary>
    private void RecordPerformance(Guid nodeId, List<FunctionExecutionSample> samples)
    {
        // EDGELESS timestamps a sample when the orchestrator receives it (the proxy's performance lists show that time).
        var received = time.GetUtcNow();
        foreach (var sample in samples)
        {
            if (sample.Instance.NodeId != nodeId)
            {
                continue;
            }

            if (!_performance.TryGetValue(sample.Instance, out var log))
            {
                _performance[sample.Instance] = log = new PerformanceLog();
            }

            log.Total++;
            log.Recent.Enqueue(sample with { At = received });
            while (log.Recent.Count > Math.Max(1, _options.PerformanceWindow))
            {
                log.Recent.Dequeue();
            }
        }
    }

    private DomainSummary BuildSummary()
    {
        var domainId = this.GetPrimaryKeyString();
        var nodes = _nodes.Values.OrderBy(n => n.Order).Select(n => new NodeSummary
        {
            NodeId = n.Descriptor.NodeId,
            Name = n.Descriptor.Name,
            DomainId = domainId,
            Runtimes = [.. n.Descriptor.Capabilities.Runtimes],
            ResourceClasses = [.. n.Descriptor.ResourceProviders.Select(p => p.ClassType).Distinct(StringComparer.Ordinal)],
            Labels = [.. n.Descriptor.Capabilities.Labels],
            Deadline = n.Deadline,
            Cordoned = _cordoned.Contains(n.Descriptor.NodeId),
            Protection = _protection.StateOf(n.Descriptor.NodeId),
        }).ToList();
        return new DomainSummary
        {
            DomainId = domainId,
            Runtimes = [.. nodes.SelectMany(n => n.Runtimes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            ResourceClasses = [.. nodes.SelectMany(n => n.ResourceClasses).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Nodes = nodes,
            Workflows = [.. _workflows.Keys.Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>
    /// Registers with the controller without waiting for the answer: this turn, and the nodes' refreshes queued behind
    /// it, must not wait for a controller that is activating or restarting. Fails soft (no controller silo, controller
    /// restarting): the failure is logged at debug level and the next keep-alive tries again.
    /// </summary>
    private void RegisterWithController()
    {
        // A cluster without a controller silo (a domain used on its own) has nobody to register with.
        if (!SiloRolePlacement.AnySiloHosts(manifests, ControllerGrainType))
        {
            return;
        }

        // A domain without nodes offers nothing: it lets its registration lapse, so the controller re-homes its workflows.
        if (_nodes.Count == 0)
        {
            return;
        }

        var domainId = this.GetPrimaryKeyString();
        try
        {
            var call = GrainFactory.GetGrain<IControllerGrain>(IControllerGrain.Key)
                .RegisterDomain(new DomainRegistration { Summary = BuildSummary(), RefreshInterval = _options.KeepAliveInterval })
                .WaitAsync(2 * _options.KeepAliveInterval);

            LogIfFaulted(call, reason => LogControllerUnreachable(logger, domainId, reason));
        }
        catch (Exception ex)
        {
            LogControllerUnreachable(logger, domainId, ex.Message);
        }
    }

    private async Task KeepAliveAsync()
    {
        _keepAliveRounds++;

        // First, so that slow node probes below never make the domain's registration with the controller late.
        RegisterWithController();

        var now = time.GetUtcNow();

        // Past its deadline by more than one of its refresh intervals, a node is lost. Past it by less, its refresh may
        // only be late (a node starved of threads, or a refresh queued behind this grain's own turns): it stays if it
        // answers the probe below in time.
        var reasons = new Dictionary<Guid, string>();
        var late = new HashSet<Guid>();
        foreach (var (id, node) in _nodes.Where(n => n.Value.Deadline < now))
        {
            if (now - node.Deadline > node.RefreshInterval)
            {
                reasons[id] = "refresh deadline passed";
            }
            else
            {
                late.Add(id);
            }
        }

        // A node whose silo is gone (the runtime says so at once) is lost without waiting for its deadline. A slow
        // answer is not a loss for a node within its deadline: a busy or just-activated node keeps its place.
        var probes = _nodes.Keys.Where(id => !reasons.ContainsKey(id)).Select(async id =>
        {
            try
            {
                await Node(id).Ping().WaitAsync(_options.KeepAliveInterval);
                return (Id: id, Lost: (string?)null);
            }
            catch (Exception ex) when (ex is NodeUnavailableException or SiloUnavailableException)
            {
                return (Id: id, Lost: "its silo is gone");
            }
            catch (TimeoutException)
            {
                return (Id: id, Lost: late.Contains(id) ? "refresh deadline passed and it does not answer" : null);
            }
            catch (Exception ex)
            {
                // Its silo is there but the probe failed (its node grain cannot activate, say): like no answer, a loss
                // only for a late node. One failing probe must never cost the round: other nodes' losses and the
                // placements below would wait for it.
                LogProbeFailed(logger, _nodes[id].Descriptor.DisplayName, ex.GetBaseException().Message);
                return (Id: id, Lost: late.Contains(id) ? $"refresh deadline passed and its probe failed: {ex.GetBaseException().Message}" : null);
            }
        }).ToList();
        foreach (var (id, reason) in await Task.WhenAll(probes))
        {
            if (reason is not null)
            {
                reasons[id] = reason;
            }
            else if (late.Contains(id))
            {
                LogNodeLate(logger, _nodes[id].Descriptor.DisplayName);
            }
        }

        var lost = reasons.Keys.ToList();
        foreach (var id in lost)
        {
            LogNodeLost(logger, _nodes[id].Descriptor.DisplayName, reasons[id]);
            _nodes.Remove(id);
            _protection.Forget(id);
            Publish(new NodeLost(id, this.GetPrimaryKeyString(), reasons[id], time.GetUtcNow()));
        }

        if (lost.Count > 0)
        {
            await RecoverFromLostNodesAsync(lost);
        }

        await PlaceMissingAsync();
        ForgetPerformanceOfStoppedInstances();
    }

    /// <summary>
    /// A node that joins may still run instances this domain does not count on it: the domain declared it lost (a
    /// refresh came too late) and relocated them, or the orchestrator restarted and its workflows are being
    /// redeployed. Those instances are stopped before anything is placed there, so no function runs twice and no
    /// stray instance keeps emitting events.
    /// </summary>
    private async Task StopStrayInstancesAsync(Guid nodeId, string name)
    {
        var known = _functions.Values.SelectMany(f => f.Instances).ToHashSet();
        List<InstanceStatus> running;
        try
        {
            running = await Node(nodeId).Instances().WaitAsync(_options.KeepAliveInterval);
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, $"list the instances of node {name}", ex.Message);
            return;
        }

        foreach (var stray in running.Where(i => !known.Contains(i.Id)))
        {
            LogStrayStopped(logger, stray.Id, stray.Component, name);
            await TryAsync(() => Node(nodeId).StopInstance(stray.Id), $"stop {stray.Id}");
        }
    }

    private void ForgetPerformanceOfStoppedInstances()
    {
        if (_performance.Count == 0)
        {
            return;
        }

        var active = _functions.Values.SelectMany(f => f.Instances).ToHashSet();
        foreach (var gone in _performance.Keys.Where(i => !active.Contains(i)).ToList())
        {
            _performance.Remove(gone);
        }
    }

    /// <summary>Forgets the instances of <paramref name="nodes"/>, places replacements, and re-patches.</summary>
    private async Task RecoverFromLostNodesAsync(IReadOnlyCollection<Guid> nodes)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in _functions.Values)
        {
            if (function.Instances.RemoveAll(i => nodes.Contains(i.NodeId)) > 0)
            {
                affected.Add(function.WorkflowId);
                await PlaceMissingInstancesAsync(function);
            }
        }

        foreach (var workflow in affected)
        {
            await PatchWorkflowAsync(workflow);
        }
    }

    private async Task PlaceMissingAsync()
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in _functions.Values.Where(f => f.Instances.Count < f.Requirements.MaxInstances).ToList())
        {
            if (await PlaceMissingInstancesAsync(function))
            {
                affected.Add(function.WorkflowId);
            }
        }

        foreach (var workflow in affected)
        {
            await PatchWorkflowAsync(workflow);
        }
    }

    /// <summary>
    /// Starts instances until the function has max_instances of them, no task is due to be placed (its restart waits
    /// for its back-off, or it ended for good), or no node fits; true if any started.
    /// </summary>
    private async Task<bool> PlaceMissingInstancesAsync(LogicalFunction function)
    {
        var started = false;
        function.Tasks.Reconcile(function.Instances);
        while (function.Instances.Count < function.Requirements.MaxInstances && function.Tasks.NextToPlace() is { } task)
        {
            var eligible = EligibleNodes(function);
            if (eligible.Count == 0)
            {
                var reasons = _nodes.Count == 0
                    ? "no node is registered"
                    : string.Join("; ", _nodes.Values.Select(n => _cordoned.Contains(n.Descriptor.NodeId)
                        ? $"node {n.Descriptor.DisplayName} is cordoned"
                        : _protection.IsTainted(n.Descriptor.NodeId)
                        ? $"node {n.Descriptor.DisplayName} is tainted (protection)"
                        : function.Requirements.Check(n.Descriptor).ToString()));
                SetUnplaced(function, reasons);
                return started;
            }

            var decision = ChooseSpreading(function, eligible);
            if (decision.Chosen is not { } node)
            {
                SetUnplaced(function, decision.Reason!);
                return started;
            }

            function.Tasks.Schedule(task, node.Descriptor.DisplayName);
            try
            {
                var instance = await Node(node.Descriptor.NodeId).StartInstance(function.Template);
                function.Instances.Add(instance);
                function.Tasks.Started(task, instance);
                function.UnplacedReason = null;
                started = true;
            }
            catch (Exception ex)
            {
                var reason = $"node {node.Descriptor.DisplayName} failed to start it: {ex.Message}";
                function.Tasks.StartFailed(task, reason);
                SetUnplaced(function, reason);
                return started;
            }
        }

        return started;
    }

    /// <summary>
    /// The nodes that may take a new instance of <paramref name="function"/>, in registration order: not cordoned, not
    /// tainted by protection, and meeting its deployment requirements.
    /// </summary>
    private List<NodeEntry> EligibleNodes(LogicalFunction function) =>
        _nodes.Values.OrderBy(n => n.Order)
            .Where(n => !_cordoned.Contains(n.Descriptor.NodeId) && !_protection.IsTainted(n.Descriptor.NodeId) && function.Requirements.Check(n.Descriptor).IsEligible)
            .ToList();

    /// <summary>
    /// Spreads the instances of one function over distinct nodes while there are enough: the nodes of
    /// <paramref name="eligible"/> it does not run on yet are chosen from first; when none of them has room, any of them.
    /// </summary>
    private PlacementDecision ChooseSpreading(LogicalFunction function, List<NodeEntry> eligible)
    {
        var unused = eligible.Where(n => function.Instances.All(i => i.NodeId != n.Descriptor.NodeId)).ToList();
        var decision = Choose(function, unused.Count > 0 ? unused : eligible);
        return decision.Chosen is null && unused.Count > 0 && unused.Count < eligible.Count ? Choose(function, eligible) : decision;
    }

    /// <summary>Records why the function lacks instances; placement is retried every keep-alive, so its grain hears only of a new reason.</summary>
    private void SetUnplaced(LogicalFunction function, string reason)
    {
        LogUnplaceable(logger, function.Name, reason);
        if (function.UnplacedReason != reason)
        {
            function.UnplacedReason = reason;
            SendRecord(function);
        }
    }

    /// <summary>
    /// Chooses among the eligible nodes with the function's strategy (its <c>placement</c> annotation, else the
    /// domain's); a function that requests resources goes only to a node with room for them.
    /// </summary>
    private PlacementDecision Choose(LogicalFunction function, List<NodeEntry> eligible)
    {
        var candidates = eligible.Select(n => _allocations.Candidate(n.Descriptor, n.Order)).ToList();
        var specification = function.Tasks.Specification;
        return _scheduler.Choose(specification.Placement ?? _options.Strategy, specification.Request, candidates, function.Template.Resource is not null);
    }

    /// <summary>The tasks of a new function; each of their transitions is published as <see cref="TaskStateChanged"/>.</summary>
    private FunctionTasks NewTasks(LogicalFunctionId lid, string workflowId, string component, DeploymentRequirements requirements, TaskSpecification specification, JobType jobType) =>
        new(requirements.MaxInstances, specification, jobType, _options.Tasks, time, transition =>
        {
            var task = transition.Task;
            LogTaskState(logger, component, task.Slot, transition.From, task.State, transition.Reason ?? string.Empty);
            Publish(new TaskStateChanged(lid, workflowId, component, task.Slot, transition.From, task.State, task.Instance, task.Restarts, task.ExitCode,
                transition.Reason, time.GetUtcNow()));
        });

    /// <summary>Places the function again when its earliest planned restart is due (keep-alive rounds retry too).</summary>
    private void WakeForRestart(LogicalFunction function)
    {
        if (function.Tasks.NextRestartAt is not { } at)
        {
            return;
        }

        var due = at - time.GetUtcNow();
        IGrainTimer? timer = null;
        timer = this.RegisterGrainTimer(async () =>
        {
            timer?.Dispose();
            await PlaceMissingAsync();
        }, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Ends a run-to-completion workflow whose tasks all completed, or one of which failed past its restart policy:
    /// every instance of the workflow (resources too) is stopped, nothing is placed for it any more, the end is
    /// published and its workflow grain told. True when the workflow ended now.
    /// </summary>
    private async Task<bool> EndJobIfDoneAsync(string workflowId)
    {
        if (!_jobs.TryGetValue(workflowId, out var job) || job.State != WorkflowState.Active || !_workflows.TryGetValue(workflowId, out var components))
        {
            return false;
        }

        var functions = components.Values.Select(lid => _functions[lid]).ToList();
        var tasks = functions.Where(f => f.Template.Function is not null).ToList();
        var failed = tasks.Select(f => (Function: f, Task: f.Tasks.FailedForGood)).FirstOrDefault(f => f.Task is not null);
        JobStatus ended;
        PlatformEvent announcement;
        var domainId = this.GetPrimaryKeyString();
        if (failed.Task is { } task)
        {
            ended = new JobStatus(WorkflowState.Failed, $"task {task.Slot} of {failed.Function.Name} failed: {task.LastFailure}");
            announcement = new JobFailed(workflowId, domainId, failed.Function.Name, task.LastFailure ?? string.Empty, time.GetUtcNow());
        }
        else if (tasks.All(f => f.Tasks.AllCompleted))
        {
            ended = new JobStatus(WorkflowState.Completed, "every task completed");
            announcement = new JobCompleted(workflowId, domainId, time.GetUtcNow());
        }
        else
        {
            return false;
        }

        // Recorded before the first await: Inspect and Snapshot, which interleave, see the end and no instance at once.
        _jobs[workflowId] = ended;
        LogJobEnded(logger, workflowId, ended.State, ended.Outcome!);
        var stopping = new List<InstanceId>();
        foreach (var function in functions)
        {
            function.Tasks.Halt($"stopped: workflow {workflowId} {ended.State.ToString().ToLowerInvariant()}");
            stopping.AddRange(function.Instances);
            function.Instances.Clear();
            function.UnplacedReason = null;
            SendRecord(function);
        }

        foreach (var instance in stopping)
        {
            await TryAsync(() => Node(instance.NodeId).StopInstance(instance), $"stop {instance}");
        }

        Publish(announcement);
        if (SiloRolePlacement.AnySiloHosts(manifests, WorkflowGrainType))
        {
            Send(() => GrainFactory.GetGrain<IWorkflowGrain>(workflowId).JobEnded(ended.State, ended.Outcome!), $"tell workflow {workflowId} it ended");
        }

        return true;
    }

    /// <summary>Sends every instance of the workflow its current outputs: channel → instances of the target component.</summary>
    private async Task PatchWorkflowAsync(string workflowId)
    {
        if (!_workflows.TryGetValue(workflowId, out var components))
        {
            return;
        }

        var patches = new List<Task>();
        foreach (var lid in components.Values)
        {
            var function = _functions[lid];
            var outputs = function.OutputMapping
                .Where(m => components.ContainsKey(m.Value))
                .ToDictionary(m => m.Key, m => _functions[components[m.Value]].Instances.ToArray(), StringComparer.Ordinal);
            foreach (var instance in function.Instances)
            {
                patches.Add(TryAsync(() => Node(instance.NodeId).Patch(instance, outputs), $"patch {instance}"));
            }
        }

        await Task.WhenAll(patches);
        foreach (var lid in components.Values)
        {
            SendRecord(_functions[lid]);
        }
    }

    /// <summary>Tells the function's <see cref="ILogicalFunctionGrain"/> its current record, without waiting for it.</summary>
    private void SendRecord(LogicalFunction function)
    {
        var record = new LogicalFunctionRecord
        {
            LogicalId = function.Template.LogicalId,
            WorkflowId = function.WorkflowId,
            DomainId = this.GetPrimaryKeyString(),
            Component = function.Name,
            Kind = function.Template.Function?.ClassSpecification.FunctionType.ToWireName() ?? function.Template.Resource!.ClassType,
            IsResource = function.Template.Resource is not null,
            DesiredInstances = function.Requirements.MaxInstances,
            Instances = [.. function.Instances],
            Outputs = Dependencies(function),
            UnplacedReason = function.UnplacedReason,
            UpdatedAt = time.GetUtcNow(),
            Tasks = function.Template.Function is null ? [] : function.Tasks.ToInfo(),
            TaskSettings = function.Template.Function is null ? string.Empty : TaskSettings(function.Tasks.Specification, _options.Strategy),
        };
        Send(function.Template.LogicalId, static (grain, r) => grain.Update(r), record);
    }

    /// <summary>
    /// A one-way message to a logical function grain. Its failure (no orchestrator silo reachable for it) is only
    /// logged: the record is sent again with the next change, and placement never waits for it.
    /// </summary>
    private void Send<TArg>(LogicalFunctionId lid, Func<ILogicalFunctionGrain, TArg, Task> message, TArg argument)
    {
        try
        {
            LogIfFaulted(
                message(GrainFactory.GetGrain<ILogicalFunctionGrain>(lid.ToString()), argument),
                reason => LogActionFailed(logger, $"inform logical function {lid}", reason));
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, $"inform logical function {lid}", ex.Message);
        }
    }

    /// <summary>The task settings in annotation terms, for <c>granary function inspect</c>.</summary>
    private static string TaskSettings(TaskSpecification specification, PlacementPolicy domainStrategy) =>
        $"{JobAnnotations.RestartPolicy} {TaskSpecification.WireName(specification.RestartPolicy)}, " +
        $"{JobAnnotations.MaxRestarts} {(specification.MaxRestarts is { } max ? max.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unlimited")}, " +
        $"request {(specification.Request.IsNone ? "none" : specification.Request.ToString())}, " +
        $"{JobAnnotations.Placement} {TaskSpecification.WireName(specification.Placement ?? domainStrategy)}{(specification.Placement is null ? " (the domain's)" : string.Empty)}";

    /// <summary>A call nobody waits for; its failure is only logged.</summary>
    private void Send(Func<Task> call, string what)
    {
        try
        {
            LogIfFaulted(call(), reason => LogActionFailed(logger, what, reason));
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, what, ex.Message);
        }
    }

    /// <summary>
    /// Logs the failure of a call nobody waits for. The continuation only logs (no grain state), so it runs on the
    /// thread pool rather than in a turn.
    /// </summary>
    private static void LogIfFaulted(Task call, Action<string> log) =>
        _ = call.ContinueWith(
            static (t, s) => ((Action<string>)s!)(t.Exception!.GetBaseException().Message),
            log, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>Publishes a node event on the domain's platform stream without waiting for it (failures are only logged).</summary>
    private void Publish(PlatformEvent item) =>
        _ = (_events ??= new PlatformEventSink(_options.EventStreamProvider, name => this.GetStreamProvider(name), logger)).PublishAsync(this.GetPrimaryKeyString(), item);

    private INodeGrain Node(Guid nodeId) => GrainFactory.GetGrain<INodeGrain>(nodeId.ToString("D"));

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

    private sealed class PerformanceLog
    {
        public long Total { get; set; }

        public Queue<FunctionExecutionSample> Recent { get; } = new();
    }

    private sealed record NodeEntry(NodeDescriptor Descriptor, Nodes.NodeHealth Health, Guid Nonce, DateTimeOffset Deadline, TimeSpan RefreshInterval, long Order);

    private sealed class LogicalFunction(string workflowId, ComponentDeployment template, DeploymentRequirements requirements, IReadOnlyDictionary<string, string> outputMapping,
        FunctionTasks tasks, NodeAllocations allocations)
    {
        public string WorkflowId { get; } = workflowId;

        public ComponentDeployment Template { get; } = template;

        public DeploymentRequirements Requirements { get; } = requirements;

        public IReadOnlyDictionary<string, string> OutputMapping { get; } = outputMapping;

        /// <summary>Its instances; each one counts in the domain's allocations (<see cref="NodeAllocations"/>) while listed here.</summary>
        public PlacedInstances Instances { get; } = new(allocations, tasks.Specification.Request);

        public string? UnplacedReason { get; set; }

        /// <summary>Its tasks (one per instance slot), their states and restart policy.</summary>
        public FunctionTasks Tasks { get; } = tasks;

        public string Name => Template.Name;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} registered with domain {Domain}")]
    private static partial void LogNodeRegistered(ILogger logger, string node, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} restarted; relocating what it ran")]
    private static partial void LogNodeRestarted(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping instance {Instance} of {Component} on node {Node}: this domain no longer runs it there")]
    private static partial void LogStrayStopped(ILogger logger, InstanceId instance, string component, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is lost ({Reason}); relocating its instances")]
    private static partial void LogNodeLost(ILogger logger, string node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} is past its refresh deadline but answers; keeping it")]
    private static partial void LogNodeLate(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probe of node {Node} failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string node, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Instance} of {Component} failed ({Reason}); its restart policy decides what follows")]
    private static partial void LogInstanceCrashed(ILogger logger, InstanceId instance, string component, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} of {Component} completed its task")]
    private static partial void LogInstanceCompleted(ILogger logger, InstanceId instance, string component);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Slot} of {Component}: {From} -> {To} {Reason}")]
    private static partial void LogTaskState(ILogger logger, string component, int slot, TaskState from, TaskState to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run-to-completion workflow {Workflow} ended {State}: {Outcome}")]
    private static partial void LogJobEnded(ILogger logger, string workflow, WorkflowState state, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrated {Component}: instance {Old} replaced by {New}")]
    private static partial void LogMigrated(ILogger logger, string component, InstanceId old, InstanceId @new);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} cordoned: {Cordoned}")]
    private static partial void LogCordoned(ILogger logger, string node, bool cordoned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot place {Component}: {Reasons}")]
    private static partial void LogUnplaceable(ILogger logger, string component, string reasons);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Domain {Domain} could not register with the controller: {Reason}")]
    private static partial void LogControllerUnreachable(ILogger logger, string domain, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {What}: {Reason}")]
    private static partial void LogActionFailed(ILogger logger, string what, string reason);
}
