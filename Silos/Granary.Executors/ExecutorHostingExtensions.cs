using Granary.Executors.Container;
using Granary.Executors.Dotnet;
using Granary.Executors.Resources;
using Granary.Executors.Resources.Http;
using Granary.Executors.Telemetry;
using Granary.Executors.Wasm;
using Granary.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Granary.Hosting;

/// <summary>Registers the function executors and resources a node offers.</summary>
public static class ExecutorHostingExtensions
{
    /// <summary>How long registration waits for the Docker Engine to answer before deciding it is not there.</summary>
    private static readonly TimeSpan DockerProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The .NET function runtime (DOTNET).</summary>
    public static ISiloBuilder AddDotnetFunctions(this ISiloBuilder builder)
    {
        builder.Services.AddSingleton<IFunctionExecutor, DotnetFunctionExecutor>();
        return builder;
    }

    /// <summary>The file-log resource.</summary>
    public static ISiloBuilder AddFileLogResource(this ISiloBuilder builder)
    {
        builder.Services.AddSingleton<IFunctionExecutor, FileLogExecutor>();
        return builder;
    }

    /// <summary>
    /// The http-ingress resource and the node's one ingress server, started with the silo on
    /// <see cref="HttpIngressOptions.Url"/> (configure it here or bind Granary:Node:HttpIngress).
    /// </summary>
    public static ISiloBuilder AddHttpIngressResource(this ISiloBuilder builder, Action<HttpIngressOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HttpIngressOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<HttpIngressServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HttpIngressServer>());
        builder.Services.AddSingleton<IFunctionExecutor, HttpIngressExecutor>();
        return builder;
    }

    /// <summary>The http-egress resource (outgoing HTTP requests on behalf of functions).</summary>
    public static ISiloBuilder AddHttpEgressResource(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IFunctionExecutor, HttpEgressExecutor>();
        return builder;
    }

    /// <summary>
    /// The node's Prometheus <c>/metrics</c> endpoint, served when <c>NodeOptions.MetricsPort</c> (Granary:Node:MetricsPort)
    /// is above 0, on <c>NodeOptions.MetricsAddress</c> (default 127.0.0.1).
    /// </summary>
    public static ISiloBuilder AddNodeMetricsEndpoint(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<NodeMetricsEndpoint>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeMetricsEndpoint>());
        return builder;
    }

    /// <summary>
    /// The WebAssembly function runtime (RUST_WASM) on Wasmtime, with the node's one <see cref="WasmEngine"/> (unless
    /// one is already registered). <paramref name="configure"/> sets the node-wide sandbox limits (memory pages, table
    /// elements, time per event, call timeout, WebAssembly stack); functions override the first three with
    /// <c>wasm.*</c> annotations.
    /// </summary>
    public static ISiloBuilder AddWasmFunctions(this ISiloBuilder builder, Action<WasmExecutorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WasmExecutorOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<WasmEngine>();
        builder.Services.AddSingleton<IFunctionExecutor, WasmFunctionExecutor>();
        return builder;
    }

    /// <summary>
    /// The container function runtime (CONTAINER) on the node's Docker Engine, registered only if the engine answers
    /// <c>/_ping</c> now (within 2 s) on the socket <paramref name="configure"/> names (default: DOCKER_HOST or
    /// /var/run/docker.sock): a node without a reachable dockerd does not advertise CONTAINER, and logs why when the
    /// silo starts. A <see cref="DockerEngine"/> already registered is used; otherwise one for that socket is (its
    /// Docker.DotNet client speaks the API version the engine reports).
    /// </summary>
    public static ISiloBuilder AddContainerFunctions(this ISiloBuilder builder, Action<ContainerExecutorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var probe = new ContainerExecutorOptions();
        configure?.Invoke(probe);
        string socketPath;
        string? failure;
        try
        {
            socketPath = DockerEngine.ResolveSocketPath(probe.DockerSocketPath, Environment.GetEnvironmentVariable("DOCKER_HOST"));
            DockerEngine.IsReachable(socketPath, DockerProbeTimeout, out failure);
        }
        catch (NotSupportedException e)
        {
            socketPath = string.Empty;
            failure = e.Message;
        }

        if (failure is not null)
        {
            builder.Services.AddHostedService(sp => new ContainerRuntimeUnavailableNotice(sp.GetRequiredService<ILogger<ContainerRuntimeUnavailableNotice>>(), failure ?? "the Docker Engine does not answer"));
            return builder;
        }

        builder.Services.AddOptions<ContainerExecutorOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(_ => new DockerEngine(socketPath));
        builder.Services.AddSingleton<IFunctionExecutor, ContainerFunctionExecutor>();
        return builder;
    }
}
