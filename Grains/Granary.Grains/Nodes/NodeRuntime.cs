using System.Collections.Concurrent;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Jobs;
using Granary.Grains.Platform;
using Granary.Grains.Protection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Nodes;

/// <summary>
/// The instances of one node silo and the data plane between them: events to an instance of this node go straight
/// to its mailbox; events to an instance elsewhere go to that node's <see cref="INodeGrain"/>, silo to silo,
/// never through the orchestrator.
/// </summary>
public sealed partial class NodeRuntime : IDisposable
{
    private readonly ConcurrentDictionary<InstanceId, InstanceHost> _instances = new();
    private readonly ConcurrentDictionary<LogicalFunctionId, byte[]> _localState = new();
    private readonly ConcurrentDictionary<Guid, RemoteNode> _remoteNodes = new();
    private readonly InboundOrder _inbound;
    private readonly Dictionary<string, IFunctionExecutor> _executors;
    private readonly IServiceProvider _services;
    private readonly NodeTelemetry _telemetry;
    private IGrainFactory? _grainFactory;
    private long _started;
    private NodeThrottle _throttle = NodeThrottle.None;

    /// <summary>Set once the node shuts down: instances that end now are stopping, not crashing.</summary>
    private volatile bool _stopping;

    public NodeRuntime(IEnumerable<IFunctionExecutor> executors, IOptions<NodeOptions> options, IServiceProvider services, NodeTelemetry telemetry, TimeProvider time, ILogger<NodeRuntime> logger)
    {
        Time = time;
        _inbound = new InboundOrder(time);
        _executors = executors.ToDictionary(e => e.Kind, StringComparer.Ordinal);
        Options = options.Value;
        _services = services;
        _telemetry = telemetry;
        Logger = logger;
    }

    /// <summary>
    /// Part of the error result of a call that got no answer before its deadline ("call to X got no answer within
    /// 00:00:30"), so that callers such as http-ingress can tell a timeout from other errors.
    /// </summary>
    public const string NoAnswerError = "got no answer within";

    public NodeOptions Options { get; }

    public Guid NodeId => Options.NodeId;

    internal ILogger Logger { get; }

    /// <summary>The clock of the node (rate caps of protection wait on it).</summary>
    internal TimeProvider Time { get; }

    /// <summary>Protection: the throttle the node's instances run with now.</summary>
    public NodeThrottle Throttle => Volatile.Read(ref _throttle);

    /// <summary>Protection: the cap on events per second of each WebAssembly or .NET instance, by instance (null when none).</summary>
    public IReadOnlyDictionary<InstanceId, double?> EventRates => _instances.ToDictionary(i => i.Key, i => i.Value.EventsPerSecond);

    /// <summary>Function runtimes this node offers (DOTNET, RUST_WASM, CONTAINER).</summary>
    public IReadOnlyList<string> Runtimes => _executors.Values.Where(e => !e.IsResource).Select(e => e.Kind).Order().ToList();

    /// <summary>Resource classes this node hosts.</summary>
    public IReadOnlyList<string> ResourceClasses => _executors.Values.Where(e => e.IsResource).Select(e => e.Kind).Order().ToList();

    private IGrainFactory GrainFactory => _grainFactory ??= _services.GetRequiredService<IGrainFactory>();

    /// <summary>The way to node <paramref name="nodeId"/>; kept, as every remote event needs one.</summary>
    private RemoteNode Remote(Guid nodeId) =>
        _remoteNodes.TryGetValue(nodeId, out var remote) ? remote : _remoteNodes.GetOrAdd(nodeId, id => new RemoteNode(GrainFactory.GetGrain<INodeGrain>(id.ToString("D")), Time));

    public IReadOnlyCollection<InstanceStatus> Instances => _instances.Values.Select(h => h.Status).ToList();

    /// <summary>
    /// Takes the execution-time samples every running instance recorded since the previous call (none unless
    /// <see cref="NodeOptions.PerformanceSamples"/> is on).
    /// </summary>
    public List<FunctionExecutionSample> DrainPerformanceSamples()
    {
        var samples = new List<FunctionExecutionSample>();
        foreach (var host in _instances.Values)
        {
            host.Sampler?.DrainInto(host.Self, samples);
        }

        return samples;
    }

    /// <summary>Creates, initialises and registers an instance of <paramref name="deployment"/>.</summary>
    public async Task<InstanceId> StartAsync(ComponentDeployment deployment, CancellationToken cancellationToken = default)
    {
        var kind = deployment.Function is { } f ? Workflows.FunctionTypes.ToWireName(f.ClassSpecification.FunctionType) : deployment.Resource!.ClassType;
        if (!_executors.TryGetValue(kind, out var executor))
        {
            throw new InvalidOperationException($"Node {NodeId} cannot run {deployment.Name}: it has no executor for '{kind}' (it offers {string.Join(", ", _executors.Keys)}).");
        }

        var id = InstanceId.NewOn(NodeId);
        var host = new InstanceHost(this, id, deployment, _telemetry.Track(id, deployment, kind)) { Order = Interlocked.Increment(ref _started) };
        var instance = await executor.CreateAsync(deployment, host, cancellationToken).ConfigureAwait(false);
        _instances[id] = host;
        var state = deployment.State ?? await LoadStateAsync(deployment).ConfigureAwait(false);
        try
        {
            await host.StartAsync(instance, deployment.Function?.InitPayload, state).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _instances.TryRemove(id, out _);
            host.Abort();
            _telemetry.Failed(id, $"init failed: {ex.Message}");
            throw;
        }

        _telemetry.Started(id);
        LogStarted(Logger, id, deployment.Name, kind);
        if (Throttle is { IsNone: false } throttle)
        {
            await ApplyAsync(host, throttle).ConfigureAwait(false);
        }

        return id;
    }

    /// <summary>
    /// Protection: applies <paramref name="throttle"/> to every instance now and to those started later (see
    /// <see cref="INodeGrain.Throttle"/>); an instance that fails to apply it is logged and keeps running.
    /// </summary>
    public async Task ThrottleAsync(NodeThrottle throttle)
    {
        Volatile.Write(ref _throttle, throttle);
        LogThrottled(Logger, throttle.IsNone ? "lifted" : $"containers at {throttle.CpuFraction:P0} of their CPU, other instances at most {throttle.EventsPerSecond} events/s");
        await Task.WhenAll(_instances.Values.Select(h => ApplyAsync(h, throttle))).ConfigureAwait(false);
    }

    private async Task ApplyAsync(InstanceHost host, NodeThrottle throttle)
    {
        try
        {
            await host.ApplyThrottleAsync(throttle).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogThrottleFailed(Logger, host.Self, ex.Message);
        }
    }

    public Task StopAsync(InstanceId id) => StopAsync(id, "stopped by the orchestrator");

    /// <summary>
    /// Stops every instance, the most recently started first (the reverse of the order in which the orchestrator
    /// wired them), each through its stop callback: the node's silo is shutting down, and none of this is a crash.
    /// </summary>
    public async Task StopAllAsync()
    {
        _stopping = true;
        foreach (var id in _instances.Values.OrderByDescending(h => h.Order).Select(h => h.Self).ToList())
        {
            try
            {
                await StopAsync(id, "the node is shutting down").ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogStopFailed(Logger, id, ex.Message);
            }
        }
    }

    private async Task StopAsync(InstanceId id, string reason)
    {
        if (_instances.TryRemove(id, out var host))
        {
            Forget(id);
            await host.StopAsync().ConfigureAwait(false);
            _telemetry.Stopped(id, reason);
            LogStopped(Logger, id, host.Deployment.Name);
        }
    }

    public void Patch(InstanceId id, Dictionary<string, InstanceId[]> outputs)
    {
        if (_instances.TryGetValue(id, out var host))
        {
            host.Patch(outputs);
        }
    }

    /// <summary>Sends a one-way event to <paramref name="target"/>, wherever it runs.</summary>
    public void Cast(InstanceId target, InstanceId source, ReadOnlyMemory<byte> payload)
    {
        if (target.NodeId == NodeId)
        {
            if (_instances.TryGetValue(target, out var host))
            {
                host.PostCast(source, payload);
            }
            else
            {
                LogUnknownTarget(Logger, target);
            }

            return;
        }

        SendRemote(target, source, payload.ToArray());
    }

    /// <summary>Sends one event to an instance on another node.</summary>
    internal void SendRemote(InstanceId target, InstanceId source, byte[] payload)
    {
        var remote = Remote(target.NodeId);
        _ = remote.Grain.Cast(target, source, remote.Next(source), payload);
    }

    /// <summary>Sends events of one source to instances on node <paramref name="nodeId"/>, in order, as one message.</summary>
    internal void SendRemote(Guid nodeId, InstanceId source, InstanceId[] targets, byte[][] payloads)
    {
        var remote = Remote(nodeId);
        _ = remote.Grain.CastBatch(source, remote.Next(source), targets, payloads);
    }

    /// <summary>An instance of this node is gone: no numbering of its messages to other nodes is kept.</summary>
    private void Forget(InstanceId source)
    {
        foreach (var remote in _remoteNodes.Values)
        {
            remote.Forget(source);
        }
    }

    /// <summary>Runs what another node's instance sent here once what it sent before was delivered (see <see cref="InboundOrder"/>).</summary>
    internal void Receive(InstanceId source, long sequence, Action deliver) => _inbound.Receive(source, sequence, deliver);

    /// <summary>Stops the sweep of inbound gaps; the instances were stopped by the node's lifecycle before.</summary>
    public void Dispose() => _inbound.Dispose();

    /// <summary>
    /// Calls <paramref name="target"/>, wherever it runs. A call that gets no answer within
    /// <see cref="NodeOptions.CallTimeout"/> (or whose target is gone) completes with an error result, never hangs.
    /// </summary>
    public async Task<CallResult> CallAsync(InstanceId target, InstanceId source, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var timeout = Options.CallTimeout;
        try
        {
            if (target.NodeId == NodeId)
            {
                return _instances.TryGetValue(target, out var host)
                    ? await host.PostCall(source, payload).WaitAsync(timeout, cancellationToken).ConfigureAwait(false)
                    : CallResult.Error($"no instance {target} on node {NodeId}");
            }

            var remote = Remote(target.NodeId);
            return await remote.Grain.Call(target, source, remote.Next(source), payload.ToArray()).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException)
        {
            return CallResult.Error($"call to {target} {NoAnswerError} {timeout}");
        }
        catch (Exception ex) when (ex is NodeUnavailableException or SiloUnavailableException)
        {
            return CallResult.Error($"call to {target} failed: {ex.Message}");
        }
    }

    internal async Task SyncAsync(InstanceHost host, byte[] state)
    {
        var lid = host.Deployment.LogicalId;
        if (IsGlobalState(host.Deployment))
        {
            await GrainFactory.GetGrain<ILogicalFunctionGrain>(lid.ToString()).SaveState(state).ConfigureAwait(false);
        }
        else
        {
            _localState[lid] = state;
        }
    }

    private async Task<byte[]?> LoadStateAsync(ComponentDeployment deployment)
    {
        if (IsGlobalState(deployment))
        {
            return await GrainFactory.GetGrain<ILogicalFunctionGrain>(deployment.LogicalId.ToString()).LoadState().ConfigureAwait(false);
        }

        return _localState.TryGetValue(deployment.LogicalId, out var state) ? state : null;
    }

    private static bool IsGlobalState(ComponentDeployment deployment) =>
        deployment.Function?.Annotations.TryGetValue(StatePolicy.AnnotationName, out var policy) == true && policy == StatePolicy.Global;

    internal void OnInstanceCrashed(InstanceHost host, Exception exception)
    {
        _instances.TryRemove(host.Self, out _);
        Forget(host.Self);
        host.Abort();
        if (_stopping)
        {
            // What fails while the node shuts down (a container killed by the engine's own shutdown, say) is stopping.
            _telemetry.Stopped(host.Self, "the node is shutting down");
            return;
        }

        var exitCode = FunctionExitedException.ExitCodeOf(exception);
        if (exitCode == 0)
        {
            _telemetry.Stopped(host.Self, exception.Message);
        }
        else
        {
            _telemetry.Failed(host.Self, exception.Message);
        }

        _ = ReportExitAsync(new InstanceExit { Instance = host.Self, ExitCode = exitCode, Reason = exception.Message });
    }

    /// <summary>The instance called <see cref="Functions.IFunctionContext.Exit"/>: it is released and its end reported to the domain.</summary>
    internal void OnInstanceExited(InstanceHost host, int exitCode)
    {
        _instances.TryRemove(host.Self, out _);
        Forget(host.Self);
        host.Abort();
        var reason = exitCode == 0 ? "the function completed its task (exit code 0)" : $"the function exited with code {exitCode}";
        LogExited(Logger, host.Self, host.Deployment.Name, exitCode);
        if (exitCode == 0)
        {
            _telemetry.Stopped(host.Self, reason);
        }
        else
        {
            _telemetry.Failed(host.Self, reason);
        }

        if (!_stopping)
        {
            _ = ReportExitAsync(new InstanceExit { Instance = host.Self, ExitCode = exitCode, Reason = reason });
        }
    }

    private async Task ReportExitAsync(InstanceExit exit)
    {
        var id = exit.Instance;
        try
        {
            await GrainFactory.GetGrain<IDomainGrain>(Options.DomainId).ReportInstanceExit(exit).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogReportFailed(Logger, id, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started instance {Instance} of {Component} ({Kind})")]
    private static partial void LogStarted(ILogger logger, InstanceId instance, string component, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Protection throttle {Throttle}")]
    private static partial void LogThrottled(ILogger logger, string throttle);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply the protection throttle to instance {Instance}: {Reason}")]
    private static partial void LogThrottleFailed(ILogger logger, InstanceId instance, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped instance {Instance} of {Component}")]
    private static partial void LogStopped(ILogger logger, InstanceId instance, string component);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping instance {Instance} at shutdown failed: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, InstanceId instance, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event for unknown instance {Instance} dropped")]
    private static partial void LogUnknownTarget(ILogger logger, InstanceId instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} of {Component} exited with code {ExitCode}")]
    private static partial void LogExited(ILogger logger, InstanceId instance, string component, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the end of {Instance}: {Reason}")]
    private static partial void LogReportFailed(ILogger logger, InstanceId instance, string reason);
}
