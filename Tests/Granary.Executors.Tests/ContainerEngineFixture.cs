using Docker.DotNet;
using Docker.DotNet.Models;
using Granary.Executors.Container;

namespace Granary.Executors.Tests;

/// <summary>
/// A real dockerd and the container-function template image, built by examples/functions/container/build.sh (a
/// busybox root filesystem fed to <c>docker import</c>, nothing pulled) under a tag unique to this run. Nodes
/// configured with <see cref="Configure"/> label every container <c>granary.test=RunId</c>; tests assert through
/// <see cref="ContainersAsync"/> that none is left, and disposing removes any that are anyway, then the image.
/// </summary>
public sealed class ContainerEngineFixture : IAsyncLifetime
{
    public const string RunLabel = "granary.test";

    private bool _built;

    public string RunId { get; } = "run" + Guid.NewGuid().ToString("N")[..12];

    public string Image => $"granary-test/busybox-function:{RunId}";

    /// <summary>The workflow <c>code</c> of the template function.</summary>
    public string Code => "container:" + Image;

    /// <summary>The engine on the default socket, as a node without configuration finds it.</summary>
    public DockerEngine Engine { get; } = new(DockerEngine.ResolveSocketPath(null, Environment.GetEnvironmentVariable("DOCKER_HOST")));

    /// <summary>Docker.DotNet, pinned to the engine's API version, for the tests' own checks.</summary>
    public IDockerClient Docker { get; private set; } = null!;

    /// <summary>Container executor options of the test nodes: every container carries this run's label.</summary>
    public void Configure(ContainerExecutorOptions options) => options.Labels[RunLabel] = RunId;

    /// <summary>This run's containers (stopped ones too), optionally only those carrying label <paramref name="label"/> = <paramref name="value"/>.</summary>
    public async Task<IList<ContainerListResponse>> ContainersAsync(string? label = null, string? value = null)
    {
        var labels = new Dictionary<string, bool> { [$"{RunLabel}={RunId}"] = true };
        if (label is not null)
        {
            labels[value is null ? label : $"{label}={value}"] = true;
        }

        return await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        });
    }

    /// <summary>Removes a container, killing it first if it runs.</summary>
    public Task RemoveAsync(string id) => Docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });

    public async Task InitializeAsync()
    {
        if (!DockerEngine.IsReachable(Engine.SocketPath, TimeSpan.FromSeconds(5), out var failure))
        {
            throw new InvalidOperationException(
                $"The container function tests need a running dockerd and none answers: {failure}. Start one with `bash scripts/start-dockerd.sh`.");
        }

        Docker = await Engine.GetClientAsync();

        WasmModules.Run("bash", [Path.Combine(WasmModules.RepositoryRoot, "examples", "functions", "container", "build.sh"), Image]);
        _built = true;
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var leftover in await ContainersAsync())
            {
                await RemoveAsync(leftover.ID);
            }

            if (_built)
            {
                WasmModules.Run("docker", ["rmi", "--force", Image]);
            }
        }
        finally
        {
            Engine.Dispose();
        }
    }
}
