using Granary.Hosting;
using Granary.Grains.Events;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Controller;

/// <summary>
/// One workflow: its specification, its domain and the logical id of each component, persisted on every change. The
/// controller decides where it goes; this grain deploys it there, stops it, and announces starts and stops on the
/// domain's platform event stream.
/// </summary>
[GrainType("granary.workflow")]
[SiloRolePlacement(SiloRoles.Controller)]
internal sealed partial class WorkflowGrain(
    [PersistentState("workflow")] IPersistentState<WorkflowRecord> state,
    IOptions<ControllerOptions> options,
    ILogger<WorkflowGrain> logger,
    TimeProvider time) : Grain, IWorkflowGrain
{
    private PlatformEventSink? _events;

    private string Id => this.GetPrimaryKeyString();

    private WorkflowRecord? Record => state.RecordExists ? state.State : null;

    public async Task<WorkflowInfo> Start(WorkflowSpec spec, string domainId)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Record is not null)
        {
            throw new InvalidOperationException($"Workflow {Id} was started already.");
        }

        var record = new WorkflowRecord { Id = Id, Spec = spec, StartedAt = time.GetUtcNow() };
        await DeployAsync(record, domainId);
        state.State = record;
        await state.WriteStateAsync();
        LogWorkflowStarted(logger, Id, domainId);
        await EventSink.PublishAsync(domainId, new WorkflowStarted(Id, [domainId], time.GetUtcNow()));
        return Info(record);
    }

    public async Task<bool> Stop()
    {
        if (Record is not { } record)
        {
            return false;
        }

        await state.ClearStateAsync();
        if (record.DomainId is { } domain)
        {
            await TryAsync(() => Domain(domain).StopWorkflow(Id), $"stop workflow {Id} in domain {domain}");
            await EventSink.PublishAsync(domain, new WorkflowStopped(Id, "stopped on request", time.GetUtcNow()));
        }

        LogWorkflowStopped(logger, Id);
        DeactivateOnIdle();
        return true;
    }

    public Task<WorkflowInfo?> Info() => Task.FromResult(Record is { } record ? Info(record) : null);

    public Task<WorkflowSpec?> Spec() => Task.FromResult(Record?.Spec);

    public async Task<WorkflowDetails?> Inspect()
    {
        if (Record is not { } record)
        {
            return null;
        }

        DomainStatus? status = null;
        if (record.DomainId is { } domain)
        {
            try
            {
                status = await Domain(domain).Inspect().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex)
            {
                LogActionFailed(logger, Id, $"inspect domain {domain}", ex.Message);
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

    public async Task<WorkflowInfo> Orphan(bool stopInDomain, TimeSpan timeout)
    {
        var record = Record ?? throw new InvalidOperationException($"Workflow {Id} was never started.");
        if (record.DomainId is { } domain && stopInDomain)
        {
            // A lost domain may still be alive without nodes: make sure it does not start the workflow again later.
            await TryAsync(() => Domain(domain).StopWorkflow(Id).WaitAsync(timeout), $"stop orphaned workflow {Id} in lost domain {domain}");
        }

        record.DomainId = null;
        record.Components = new Dictionary<string, LogicalFunctionId>(StringComparer.Ordinal);
        record.DeployedAt = default;
        await state.WriteStateAsync();
        return Info(record);
    }

    public async Task<WorkflowInfo> Redeploy(string domainId)
    {
        var record = Record ?? throw new InvalidOperationException($"Workflow {Id} was never started.");

        // Whatever a previous deployment left there goes first, so the domain accepts the workflow id again.
        await Domain(domainId).StopWorkflow(Id);
        await DeployAsync(record, domainId);
        await state.WriteStateAsync();
        LogWorkflowRedeployed(logger, Id, domainId);
        return Info(record);
    }

    public async Task JobEnded(WorkflowState endedAs, string outcome)
    {
        if (Record is not { } record || record.EndedAs is not null)
        {
            return;
        }

        record.EndedAs = endedAs;
        record.Outcome = outcome;
        await state.WriteStateAsync();
        LogJobEnded(logger, Id, endedAs, outcome);
        try
        {
            await GrainFactory.GetGrain<IControllerGrain>(IControllerGrain.Key).WorkflowChanged(Id);
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, Id, "tell the controller it ended", ex.Message);
        }
    }

    private async Task DeployAsync(WorkflowRecord record, string domainId)
    {
        var components = await Domain(domainId).DeployWorkflow(Id, record.Spec);
        record.DomainId = domainId;
        record.Components = new Dictionary<string, LogicalFunctionId>(components, StringComparer.Ordinal);
        record.DeployedAt = time.GetUtcNow();
    }

    private static ComponentInfo Component(WorkflowRecord record, string name, string kind, DomainStatus? status)
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
            Tasks = status?.Tasks.TryGetValue(lid, out var tasks) == true ? [.. tasks] : [],
        };
    }

    private static WorkflowInfo Info(WorkflowRecord record) => new()
    {
        WorkflowId = record.Id,
        DomainId = record.DomainId,
        State = record.EndedAs ?? (record.DomainId is null ? WorkflowState.Orphan : WorkflowState.Active),
        Outcome = record.Outcome,
        ComponentCount = record.Spec.Functions.Count + record.Spec.Resources.Count,
        StartedAt = record.StartedAt,
        DeployedAt = record.DomainId is null ? null : record.DeployedAt,
    };

    private PlatformEventSink EventSink => _events ??= new PlatformEventSink(options.Value.EventStreamProvider, name => this.GetStreamProvider(name), logger);

    private IDomainGrain Domain(string domainId) => GrainFactory.GetGrain<IDomainGrain>(domainId);

    private async Task TryAsync(Func<Task> action, string what)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            LogActionFailed(logger, Id, what, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Workflow} started on domain {Domain}")]
    private static partial void LogWorkflowStarted(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Workflow} stopped")]
    private static partial void LogWorkflowStopped(ILogger logger, string workflow);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Workflow} redeployed on domain {Domain}")]
    private static partial void LogWorkflowRedeployed(ILogger logger, string workflow, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Workflow} ended as {State}: {Outcome}")]
    private static partial void LogJobEnded(ILogger logger, string workflow, WorkflowState state, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Workflow} could not {What}: {Reason}")]
    private static partial void LogActionFailed(ILogger logger, string workflow, string what, string reason);
}
