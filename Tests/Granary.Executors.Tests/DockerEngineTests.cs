using Granary.Executors.Container;

namespace Granary.Executors.Tests;

/// <summary>
/// What the container executor owns about its Docker Engine, against the real dockerd: which socket it uses, the probe
/// that decides whether the node offers CONTAINER, and the Docker.DotNet client pinned to the engine's API version.
/// </summary>
[Collection(ContainerEngineCollection.Name)]
public sealed class DockerEngineTests(ContainerEngineFixture engine)
{
    [Fact]
    public void Configured_socket_path_wins_over_DOCKER_HOST()
    {
        Assert.Equal("/run/custom.sock", DockerEngine.ResolveSocketPath("/run/custom.sock", "unix:///run/other.sock"));
    }

    [Fact]
    public void Unix_DOCKER_HOST_is_used_when_no_path_is_configured()
    {
        Assert.Equal("/run/user/1000/docker.sock", DockerEngine.ResolveSocketPath(null, "unix:///run/user/1000/docker.sock"));
    }

    [Fact]
    public void Default_socket_is_used_without_configuration_or_DOCKER_HOST()
    {
        Assert.Equal("/var/run/docker.sock", DockerEngine.ResolveSocketPath(null, null));
    }

    [Fact]
    public void Tcp_DOCKER_HOST_is_refused_with_a_message_naming_it()
    {
        var error = Assert.Throws<NotSupportedException>(() => DockerEngine.ResolveSocketPath(null, "tcp://127.0.0.1:2375"));

        Assert.Contains("DOCKER_HOST=tcp://127.0.0.1:2375", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_engine_is_reachable()
    {
        Assert.True(DockerEngine.IsReachable(engine.Engine.SocketPath, TimeSpan.FromSeconds(5), out var failure), failure);
        Assert.Null(failure);
    }

    [Fact]
    public void A_missing_socket_is_unreachable_and_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "granary-no-engine-" + Guid.NewGuid().ToString("N") + ".sock");

        Assert.False(DockerEngine.IsReachable(path, TimeSpan.FromSeconds(5), out var failure));
        Assert.Equal($"no Docker Engine socket at {path}", failure);
    }

    [Fact]
    public void An_engine_that_never_answers_is_unreachable_after_the_timeout()
    {
        using var silent = new SilentEngine();

        Assert.False(DockerEngine.IsReachable(silent.SocketPath, TimeSpan.FromMilliseconds(300), out var failure));
        Assert.Contains("did not answer /_ping within 300 ms", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_speaks_the_api_version_the_engine_reports()
    {
        using var fresh = new DockerEngine(engine.Engine.SocketPath);

        var client = await fresh.GetClientAsync();

        var reported = await DockerCliAsync("version", "--format", "{{.Server.APIVersion}}");
        Assert.Equal(Version.Parse(reported), fresh.ApiVersion);
        Assert.Equal(Version.Parse(reported), client.Options.ApiVersion);
        Assert.NotNull(await client.Containers.ListContainersAsync(new() { All = true }));
    }

    private static async Task<string> DockerCliAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("docker") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
