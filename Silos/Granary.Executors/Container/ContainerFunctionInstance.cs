using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Container;

/// <summary>
/// One container function instance: its container, the node-to-function half of the protocol (HTTP requests to the
/// function's server on 127.0.0.1) and a watch on the container (<c>docker wait</c>). A container that exits while
/// the node has not asked it to stop is a crash: the event in flight, if any, fails with the exit reason; if the
/// instance was idle, the watch wakes it with an event to itself that fails the same way, so the node reports the
/// crash as for any failed callback, with the exit code (a <see cref="FunctionExitedException"/> inside the exception),
/// so the domain reads exit code 0 as the task completed and any other as failed. Disposing removes the container.
/// </summary>
internal sealed partial class ContainerFunctionInstance : IFunctionInstance, ICpuLimitedInstance
{
    /// <summary>The CFS period the reduced CPU quota of a protected node is expressed in (100 ms, Docker's default).</summary>
    internal const long CpuPeriodMicroseconds = 100_000;

    /// <summary>The smallest CPU quota the Docker Engine accepts (1 ms per period).</summary>
    private const long MinCpuQuotaMicroseconds = 1_000;

    /// <summary>The smallest NanoCPUs value the Docker Engine accepts (0.01 CPU).</summary>
    private const long MinNanoCpus = 10_000_000;

    private static readonly TimeSpan ExitReasonWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BootRetryDelay = TimeSpan.FromMilliseconds(10);

    private readonly ContainerRuntime _runtime;
    private readonly IFunctionContext _context;
    private readonly string _function;
    private readonly Uri _endpoint;
    private readonly string _token;
    private readonly CancellationTokenSource _watch = new();
    private readonly TaskCompletionSource<string> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ending;
    private int _disposed;
    private int _exitCode;

    public ContainerFunctionInstance(ContainerRuntime runtime, IFunctionContext context, string function, string containerId, Uri endpoint, string token)
    {
        _runtime = runtime;
        _context = context;
        _function = function;
        ContainerId = containerId;
        _endpoint = endpoint;
        _token = token;
    }

    /// <summary>The container's id.</summary>
    public string ContainerId { get; }

    /// <summary>The CPU limit the container was created with (annotation or node default), in billionths of a CPU; null for none.</summary>
    public long? NanoCpus { get; init; }

    /// <summary>
    /// Protection: changes the container's CPU share in place (<c>docker update</c>). A container created with a CPU limit
    /// keeps <paramref name="fraction"/> of it (the engine refuses a CFS quota beside NanoCPUs); any other gets a CFS quota
    /// of <paramref name="fraction"/> of the machine's CPUs per <see cref="CpuPeriodMicroseconds"/>. Null restores the
    /// limit it was created with (no quota at all for a container created without one).
    /// </summary>
    public async Task LimitCpuAsync(double? fraction, CancellationToken cancellationToken = default)
    {
        var update = NanoCpus is { } nano and > 0
            ? new ContainerUpdateParameters { NanoCPUs = fraction is { } f ? Math.Max(MinNanoCpus, (long)(nano * f)) : nano }
            : new ContainerUpdateParameters
            {
                CPUPeriod = CpuPeriodMicroseconds,
                CPUQuota = fraction is { } share ? Math.Max(MinCpuQuotaMicroseconds, (long)(share * Environment.ProcessorCount * CpuPeriodMicroseconds)) : -1,
            };
        try
        {
            var docker = await _runtime.DockerAsync(cancellationToken).ConfigureAwait(false);
            await docker.Containers.UpdateContainerAsync(ContainerId, update, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e))
        {
            throw new ContainerFunctionException($"Container function {_function}: the Docker Engine did not change the CPU limit of container {Short}: {ContainerFunctionExecutor.Reason(e)}", e);
        }
    }

    private string Short => ContainerRuntime.ShortId(ContainerId);

    /// <summary>
    /// Watches the started container and sends <c>/boot</c> until the function's server answers (it is starting up
    /// meanwhile), at most <see cref="ContainerExecutorOptions.StartTimeout"/>. Fails if the container exits first,
    /// the server answers <c>/boot</c> with an error, or the time runs out.
    /// </summary>
    public async Task BootAsync(string hostApi, CancellationToken cancellationToken)
    {
        _ = WatchAsync();
        var self = _context.Self;
        var query = $"node_id={self.NodeId:D}&component_id={self.ComponentId:D}&host_api={hostApi}";
        var timeout = _runtime.Options.StartTimeout;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_exited.Task.IsCompleted)
            {
                throw new ContainerFunctionException(
                    $"Container function {_function}: container {Short} exited before its server answered /boot: {await _exited.Task.ConfigureAwait(false)}{await LogTailAsync().ConfigureAwait(false)}");
            }

            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new ContainerFunctionException(
                    $"Container function {_function}: container {Short} did not answer /boot on {_endpoint} within {timeout.TotalMilliseconds:0} ms{await LogTailAsync().ConfigureAwait(false)}");
            }

            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(left);
            try
            {
                var (status, body) = await SendAsync("boot", query, ReadOnlyMemory<byte>.Empty, attempt.Token).ConfigureAwait(false);
                if (IsSuccess(status))
                {
                    return;
                }

                throw new ContainerFunctionException($"Container function {_function}: /boot answered {Describe(status, body)}");
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet (connection refused) or too slow: try again until the start timeout.
                await Task.Delay(BootRetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(initPayload ?? string.Empty);
        var body = new byte[payload.Length + (state?.Length ?? 0)];
        payload.CopyTo(body, 0);
        state?.CopyTo(body, payload.Length);
        var (status, answer) = await EventAsync("init", $"payload_len={payload.Length}", body, cancellationToken).ConfigureAwait(false);
        if (!IsSuccess(status))
        {
            throw new ContainerFunctionException($"Container function {_function} refused init: /init answered {Describe(status, answer)}");
        }
    }

    public async Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var (status, answer) = await EventAsync("cast", SourceQuery(source), message, cancellationToken).ConfigureAwait(false);
        if (!IsSuccess(status))
        {
            // Like an error reply to a call: the function is alive and said it failed; it keeps running.
            LogCastRefused(_runtime.Logger, _function, _context.Self, Describe(status, answer));
        }
    }

    public async Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var (status, answer) = await EventAsync("call", SourceQuery(source), message, cancellationToken).ConfigureAwait(false);
        return status switch
        {
            HttpStatusCode.OK => CallResult.Reply(answer),
            HttpStatusCode.NoContent => CallResult.NoReply,
            _ => CallResult.Error($"Container function {_function} answered the call with {Describe(status, answer)}"),
        };
    }

    /// <summary>Sends <c>/stop</c>; a failure or silence is logged, since the container is removed next anyway.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _ending, 1);
        if (_exited.Task.IsCompleted)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_runtime.Options.StopTimeout);
        try
        {
            var (status, answer) = await SendAsync("stop", string.Empty, ReadOnlyMemory<byte>.Empty, timeout.Token).ConfigureAwait(false);
            if (!IsSuccess(status))
            {
                LogStopFailed(_runtime.Logger, _function, _context.Self, $"/stop answered {Describe(status, answer)}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            LogStopFailed(_runtime.Logger, _function, _context.Self, e.Message);
        }
    }

    /// <summary>Stops watching, refuses the instance's token and removes the container (killing it if it still runs).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _ending, 1);
        await _watch.CancelAsync().ConfigureAwait(false);
        _runtime.HostApi.Unregister(_token);
        try
        {
            var docker = await _runtime.DockerAsync().ConfigureAwait(false);

            // Forced: a container that still runs is killed first.
            await docker.Containers.RemoveContainerAsync(ContainerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }).ConfigureAwait(false);
            LogRemoved(_runtime.Logger, _function, _context.Self, Short);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone (removed by hand): nothing left behind.
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e))
        {
            LogRemoveFailed(_runtime.Logger, _function, Short, ContainerFunctionExecutor.Reason(e));
        }
        finally
        {
            _watch.Dispose();
            _runtime.Ended(this);
        }
    }

    /// <summary>Waits for the container to exit; an exit the node did not ask for is recorded and reported as a crash.</summary>
    private async Task WatchAsync()
    {
        long code;
        try
        {
            // The engine answers once the container is not running (the API's default condition); no request timeout applies.
            var docker = await _runtime.DockerAsync(_watch.Token).ConfigureAwait(false);
            code = (await docker.Containers.WaitContainerAsync(ContainerId, _watch.Token).ConfigureAwait(false)).StatusCode;
        }
        catch (OperationCanceledException) when (_watch.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e) || e is OperationCanceledException)
        {
            if (Volatile.Read(ref _ending) == 0)
            {
                LogWatchFailed(_runtime.Logger, _function, Short, ContainerFunctionExecutor.Reason(e));
            }

            return;
        }

        if (Volatile.Read(ref _ending) != 0)
        {
            return;
        }

        var reason = await DescribeExitAsync(code).ConfigureAwait(false);
        Volatile.Write(ref _exitCode, (int)code);
        _exited.TrySetResult(reason);
        LogExited(_runtime.Logger, _function, _context.Self, Short, reason);

        // Wake the instance: the node runs this event like any other, it fails with the exit reason, and the node
        // reports the crash. An event already in flight fails by itself; this one then finds the instance crashed.
        _context.CastRaw(_context.Self, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>One event: fails with the exit reason if the container is gone, or the error if it cannot answer in time.</summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> EventAsync(string operation, string query, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (_exited.Task.IsCompleted)
        {
            throw new ContainerFunctionException(
                $"Container function {_function}: container {Short} {await _exited.Task.ConfigureAwait(false)}; /{operation} was not sent", await ExitAsync().ConfigureAwait(false));
        }

        var eventTimeout = _runtime.Options.EventTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(eventTimeout);
        try
        {
            return await SendAsync(operation, query, body, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The container may have died under the request: give the watch a moment to say how.
            if (await Task.WhenAny(_exited.Task, Task.Delay(ExitReasonWait, CancellationToken.None)).ConfigureAwait(false) == _exited.Task)
            {
                throw new ContainerFunctionException(
                    $"Container function {_function}: container {Short} {await _exited.Task.ConfigureAwait(false)} during /{operation}{await LogTailAsync().ConfigureAwait(false)}",
                    new FunctionExitedException(Volatile.Read(ref _exitCode), (await _exited.Task.ConfigureAwait(false)) + ": " + e.Message));
            }

            throw new ContainerFunctionException(e is OperationCanceledException
                ? $"Container function {_function} did not answer /{operation} within {eventTimeout.TotalMilliseconds:0} ms"
                : $"Container function {_function}: /{operation} failed: {e.Message}", e);
        }
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(string operation, string query, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var uri = new Uri(_endpoint, query.Length == 0 ? operation : operation + "?" + query);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(body) };
        request.Headers.ConnectionClose = true;
        request.Content.Headers.ContentType = new("application/octet-stream");
        using var response = await _runtime.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The container's exit as an exception carrying the code (once the watch saw it).</summary>
    private async Task<FunctionExitedException> ExitAsync() =>
        new(Volatile.Read(ref _exitCode), await _exited.Task.ConfigureAwait(false));

    private async Task<string> DescribeExitAsync(long code)
    {
        var reason = code == 0
            ? "exited with code 0"
            : code > 128 && code < 160
            ? $"exited unexpectedly with code {code} (killed by {SignalName(code - 128)})"
            : $"exited unexpectedly with code {code}";
        try
        {
            var docker = await _runtime.DockerAsync().ConfigureAwait(false);
            if (await docker.Containers.InspectContainerAsync(ContainerId).ConfigureAwait(false) is { State.OOMKilled: true } state)
            {
                reason += $", out of memory (limit {(state.HostConfig?.Memory ?? 0) / (1024 * 1024)} MiB)";
            }
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e))
        {
            // Removed already or the engine is gone: the exit code says enough.
        }

        return reason;
    }

    /// <summary>The container's last log lines, to explain a failed start; empty if there are none.</summary>
    private async Task<string> LogTailAsync()
    {
        try
        {
            var docker = await _runtime.DockerAsync().ConfigureAwait(false);

            // Without a TTY the engine keeps stdout and stderr apart in frames; the stream splits them.
            using var logs = await docker.Containers.GetContainerLogsAsync(
                ContainerId, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "10" }).ConfigureAwait(false);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None).ConfigureAwait(false);
            var text = (stderr + stdout).Trim();
            return text.Length == 0 ? string.Empty : $"; its last output: {text}";
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e))
        {
            return string.Empty;
        }
    }

    private static string SourceQuery(InstanceId source) => $"src_node={source.NodeId:D}&src_component={source.ComponentId:D}";

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static string Describe(HttpStatusCode status, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length == 0 ? ((int)status).ToString(CultureInfo.InvariantCulture) : $"{(int)status}: {text}";
    }

    private static string SignalName(long signal) => signal switch
    {
        9 => "SIGKILL",
        15 => "SIGTERM",
        2 => "SIGINT",
        6 => "SIGABRT",
        11 => "SIGSEGV",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container function {Function} instance {Instance}: container {Container} {Reason}")]
    private static partial void LogExited(ILogger logger, string function, InstanceId instance, string container, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container function {Function} instance {Instance} failed a cast: {Reason}")]
    private static partial void LogCastRefused(ILogger logger, string function, InstanceId instance, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container function {Function} instance {Instance} did not stop cleanly: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, string function, InstanceId instance, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container function {Function} instance {Instance}: container {Container} removed")]
    private static partial void LogRemoved(ILogger logger, string function, InstanceId instance, string container);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container function {Function}: removing container {Container} failed: {Reason}")]
    private static partial void LogRemoveFailed(ILogger logger, string function, string container, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container function {Function}: cannot watch container {Container} for exits: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, string function, string container, string reason);
}
