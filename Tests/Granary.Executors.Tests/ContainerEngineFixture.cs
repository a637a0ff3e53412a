using Granary.Docker;
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

    public DockerClient Docker { get; } = new();

    /// <summary>Container executor options of the test nodes: every container carries this run's label.</summary>
    public void Configure(ContainerExecutorOptions options) => options.Labels[RunLabel] = RunId;

    /// <summary>This run's containers (stopped ones too), optionally only those carrying label <paramref name="label"/> = <paramref name="value"/>.</summary>
    public Task<IReadOnlyList<ContainerSummary>> ContainersAsync(string? label = null, string? value = null)
    {
        var labels = new Dictionary<string, string?> { [RunLabel] = RunId };
        if (label is not null)
        {
            labels[label] = value;
        }

        return Docker.ListContainersAsync(new ContainerListOptions { Labels = labels });
    }

    public async Task InitializeAsync()
    {
        try
        {
            await Docker.PingAsync();
        }
        catch (DockerConnectionException e)
        {
            throw new InvalidOperationException(
                $"The container function tests need a running dockerd and none answers: {e.Message} Start one with `bash scripts/start-dockerd.sh`.", e);
        }

        WasmModules.Run("bash", [Path.Combine(WasmModules.RepositoryRoot, "examples", "functions", "container", "build.sh"), Image]);
        _built = true;
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var leftover in await ContainersAsync())
            {
                await Docker.RemoveContainerAsync(leftover.Id, force: true);
            }

            if (_built)
            {
                WasmModules.Run("docker", ["rmi", "--force", Image]);
            }
        }
        finally
        {
            Docker.Dispose();
        }
    }
}
