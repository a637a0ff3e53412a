using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Container;

/// <summary>
/// Runs CONTAINER functions: <c>code</c> is <c>container:IMAGE:TAG</c>, an image that must already be on the node
/// (nothing is pulled; a missing image fails the placement naming it). Each instance gets its own container on the
/// host network, with its identity, the node's host API endpoint and a token in its environment (see
/// <see cref="ContainerProtocol"/>), the <see cref="ContainerLabels"/>, and the CPU and memory limits of
/// <see cref="ContainerAnnotations"/>. The node talks to the function's HTTP server on a loopback port it picks and
/// serves the function's callbacks on its host API; README.md in this folder specifies the protocol. An unexpected
/// exit is reported as a crash; a stopped or crashed instance's container is removed, and so are all of them when
/// the node shuts down. Containers a dead node process left on this host are removed before the first container starts.
/// </summary>
public sealed partial class ContainerFunctionExecutor : IFunctionExecutor, IAsyncDisposable
{
    private readonly ContainerRuntime _runtime;
    private readonly Lazy<Task> _sweep;

    /// <summary>Creates the executor on <paramref name="engine"/>; the host API starts with the first instance.</summary>
    public ContainerFunctionExecutor(DockerEngine engine, IOptions<ContainerExecutorOptions> options, ILogger<ContainerFunctionExecutor> logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        _runtime = new ContainerRuntime(engine, options.Value, logger);
        _sweep = new Lazy<Task>(RemoveLeftoversAsync);
    }

    /// <summary>CONTAINER, the EDGELESS name of the container runtime.</summary>
    public string Kind => FunctionTypes.Container;

    /// <summary>False: this executor runs functions.</summary>
    public bool IsResource => false;

    /// <summary>
    /// Checks the image is on the node, creates and starts the container, and waits until the function's server
    /// answers <c>/boot</c>. Fails naming the function when the reference or an annotation is malformed, the image is
    /// missing, the engine refuses the container, or the container exits or stays silent during start; a container
    /// that was created is removed again.
    /// </summary>
    public async Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(context);
        var function = deployment.Function ?? throw new ArgumentException($"{deployment.Name} is not a function.", nameof(deployment));
        if (!ContainerImageReference.TryParse(function.ClassSpecification.Code, out var image, out var error))
        {
            throw new ArgumentException($"Function {deployment.Name}: {error}.", nameof(deployment));
        }

        var limits = ContainerLimits.Resolve(_runtime.Options, function.Annotations, deployment.Name);
        await _sweep.Value.ConfigureAwait(false);
        var self = context.Self;
        var basePath = await BasePathAsync(image, deployment.Name, self, cancellationToken).ConfigureAwait(false);
        var hostApi = await _runtime.HostApi.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var port = FreeLoopbackPort();
        var token = _runtime.HostApi.Register(context);
        var labels = new Dictionary<string, string>(_runtime.Options.Labels)
        {
            [ContainerLabels.Managed] = "true",
            [ContainerLabels.Node] = self.NodeId.ToString("D"),
            [ContainerLabels.Instance] = self.ToString(),
            [ContainerLabels.Function] = deployment.Name,
            [ContainerLabels.Workflow] = deployment.WorkflowId,
            [ContainerLabels.Owner] = ContainerOwner.Current,
        };
        var environment = new Dictionary<string, string>
        {
            [ContainerProtocol.NodeIdVariable] = self.NodeId.ToString("D"),
            [ContainerProtocol.ComponentIdVariable] = self.ComponentId.ToString("D"),
            [ContainerProtocol.InstanceIdVariable] = self.ToString(),
            [ContainerProtocol.FunctionNameVariable] = deployment.Name,
            [ContainerProtocol.WorkflowIdVariable] = deployment.WorkflowId,
            [ContainerProtocol.FunctionPortVariable] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ContainerProtocol.HostApiVariable] = hostApi,
            [ContainerProtocol.TokenVariable] = token,
        };
        string id;
        try
        {
            var docker = await _runtime.DockerAsync(cancellationToken).ConfigureAwait(false);

            // Creating never pulls (only POST /images/create does): a missing image is a 404 here, after the inspect above.
            var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = image.ImageWithTag,
                Name = $"granary-{self.ComponentId:N}",
                Env = [.. environment.Select(e => $"{e.Key}={e.Value}")],
                Labels = labels,
                Tty = false,
                HostConfig = new HostConfig
                {
                    // dockerd runs without a bridge on Granary nodes; the function reaches the node on 127.0.0.1.
                    NetworkMode = "host",

                    // Kept after exit so its exit code and logs stay readable until the node removes it.
                    AutoRemove = false,
                    NanoCPUs = limits.NanoCpus ?? 0,
                    Memory = limits.MemoryBytes ?? 0,
                },
            }, cancellationToken).ConfigureAwait(false);
            id = created.ID;
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e))
        {
            _runtime.HostApi.Unregister(token);
            throw new ContainerFunctionException($"Function {deployment.Name}: the Docker Engine did not create a container from {image.ImageWithTag}: {Reason(e)}", e);
        }

        var instance = new ContainerFunctionInstance(_runtime, context, deployment.Name, id, new Uri($"http://127.0.0.1:{port}{basePath}/"), token)
        {
            NanoCpus = limits.NanoCpus,
        };
        _runtime.Started(instance);
        try
        {
            var docker = await _runtime.DockerAsync(cancellationToken).ConfigureAwait(false);
            await docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            await instance.BootAsync(hostApi, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            if (ContainerRuntime.IsEngineFailure(e))
            {
                throw new ContainerFunctionException($"Function {deployment.Name}: the Docker Engine did not start its container from {image.ImageWithTag}: {Reason(e)}", e);
            }

            throw;
        }

        LogStarted(_runtime.Logger, deployment.Name, self, image.ImageWithTag, ContainerRuntime.ShortId(id), port);
        return instance;
    }

    /// <summary>
    /// Before the first container starts: removes Granary containers left on this host by a node process that died
    /// without removing them (see <see cref="ContainerOwner"/>). A failure is only logged; the sweep is not retried.
    /// </summary>
    private async Task RemoveLeftoversAsync()
    {
        try
        {
            var docker = await _runtime.DockerAsync().ConfigureAwait(false);
            var managed = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Managed}=true"] = true },
                },
            }).ConfigureAwait(false);
            foreach (var container in managed)
            {
                var labels = container.Labels ?? new Dictionary<string, string>();
                if (labels.TryGetValue(ContainerLabels.Owner, out var owner) && ContainerOwner.IsGoneOnThisHost(owner))
                {
                    await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }).ConfigureAwait(false);
                    LogLeftoverRemoved(_runtime.Logger, ContainerRuntime.ShortId(container.ID), labels.TryGetValue(ContainerLabels.Instance, out var instance) ? instance : "?", owner);
                }
            }
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e))
        {
            LogSweepFailed(_runtime.Logger, Reason(e));
        }
    }

    /// <summary>Removes the containers of the instances still running (the node is shutting down) and closes the host API.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_runtime.Live.Select(i => i.DisposeAsync().AsTask())).ConfigureAwait(false);
        await _runtime.HostApi.DisposeAsync().ConfigureAwait(false);
        _runtime.Http.Dispose();
    }

    /// <summary>The engine's own words for an error answer (its JSON <c>message</c>), else the exception's message.</summary>
    internal static string Reason(Exception e) =>
        e is DockerApiException { ResponseBody: { Length: > 0 } body } && TryMessage(body) is { } message ? message : e.Message;

    private static string? TryMessage(string body)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The image's endpoint prefix (label <see cref="ContainerProtocol.BasePathLabel"/>); fails clearly when the image is not on the node.</summary>
    private async Task<string> BasePathAsync(ContainerImageReference image, string function, InstanceId self, CancellationToken cancellationToken)
    {
        ImageInspectResponse inspected;
        try
        {
            var docker = await _runtime.DockerAsync(cancellationToken).ConfigureAwait(false);
            inspected = await docker.Images.InspectImageAsync(image.ImageWithTag, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new ContainerFunctionException(
                $"Function {function}: container image {image.ImageWithTag} is not on node {self.NodeId:D}, and Granary never pulls images: load or build it on the node first (docker load, docker import or docker build)", e);
        }
        catch (Exception e) when (ContainerRuntime.IsEngineFailure(e))
        {
            throw new ContainerFunctionException($"Function {function}: the node's Docker Engine could not inspect image {image.ImageWithTag}: {Reason(e)}", e);
        }

        var label = inspected.Config?.Labels is { } labels && labels.TryGetValue(ContainerProtocol.BasePathLabel, out var value) ? value : null;
        var path = label?.Trim().Trim('/') ?? string.Empty;
        return path.Length == 0 ? string.Empty : "/" + path;
    }

    /// <summary>
    /// A loopback port free right now, for the function's server. The function binds it a moment later; should
    /// another process take it first, the container cannot listen, exits or stays silent, and the start fails.
    /// </summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed container {Container} of instance {Instance}, left behind by node process {Owner} that is gone")]
    private static partial void LogLeftoverRemoved(ILogger logger, string container, string instance, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for containers left behind by earlier node processes: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container function {Function} instance {Instance}: image {Image}, container {Container}, port {Port}")]
    private static partial void LogStarted(ILogger logger, string function, InstanceId instance, string image, string container, int port);
}
