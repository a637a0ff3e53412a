using System.Net;
using System.Net.Sockets;

namespace Granary.Docker.Tests;

[Collection(DockerEngineCollection.Name)]
public sealed class ContainerLifecycleTests(DockerEngineFixture engine)
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    private DockerClient Client => engine.Client;

    [Fact]
    public async Task Started_container_shows_as_running_with_a_pid_in_inspect()
    {
        var id = await engine.RunAsync(engine.Container("sleep", "60"));

        var container = await Client.InspectContainerAsync(id);

        Assert.True(container.Running);
        Assert.Equal("running", container.Status);
        Assert.True(container.Pid > 0);
        Assert.Equal(0, container.ExitCode);
        Assert.False(container.OomKilled);
        Assert.Equal(engine.Image, container.Image);
        await Client.RemoveContainerAsync(id, force: true);
    }

    [Fact]
    public async Task Logs_keep_stdout_and_stderr_apart()
    {
        var id = await engine.RunAsync(engine.Container("sh", "-c", "echo to-stdout; echo to-stderr >&2; echo more-stdout"));
        await Client.WaitContainerAsync(id);

        var logs = await Client.GetContainerLogsAsync(id);

        Assert.Equal("to-stdout\nmore-stdout\n", logs.Stdout);
        Assert.Equal("to-stderr\n", logs.Stderr);
    }

    [Fact]
    public async Task Logs_with_a_tail_keep_only_the_last_lines()
    {
        var id = await engine.RunAsync(engine.Container("sh", "-c", "echo one; echo two; echo three"));
        await Client.WaitContainerAsync(id);

        var logs = await Client.GetContainerLogsAsync(id, tail: 1);

        Assert.Equal("three\n", logs.Stdout);
    }

    [Fact]
    public async Task Environment_variables_reach_the_process()
    {
        var id = await engine.RunAsync(engine.Container("sh", "-c", "echo \"$GREETING\"") with
        {
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello from granary" },
        });
        await Client.WaitContainerAsync(id);

        var logs = await Client.GetContainerLogsAsync(id);

        Assert.Equal("hello from granary\n", logs.Stdout);
    }

    [Fact]
    public async Task Wait_returns_the_exit_code_of_the_process()
    {
        var id = await engine.RunAsync(engine.Container("sh", "-c", "exit 3"));

        var exitCode = await Client.WaitContainerAsync(id);

        Assert.Equal(3, exitCode);
        Assert.Equal(3, (await Client.InspectContainerAsync(id)).ExitCode);
    }

    [Fact]
    public async Task Killed_container_is_not_running_and_exited_with_137()
    {
        var id = await engine.RunAsync(engine.Container("sleep", "60"));

        await Client.KillContainerAsync(id);
        var exitCode = await Client.WaitContainerAsync(id);

        var container = await Client.InspectContainerAsync(id);
        Assert.Equal(137, exitCode);
        Assert.False(container.Running);
        Assert.Equal(137, container.ExitCode);
        Assert.Equal(0, container.Pid);
        Assert.False(container.OomKilled);
    }

    [Fact]
    public async Task Stopped_and_removed_container_is_gone()
    {
        var caseLabel = Guid.NewGuid().ToString("N");
        var id = await engine.RunAsync(engine.Container("sleep", "60") with
        {
            Labels = new Dictionary<string, string> { [DockerEngineFixture.RunLabel] = engine.RunId, ["granary.case"] = caseLabel },
        });

        Assert.True(await Client.StopContainerAsync(id, StopGrace));
        await Client.RemoveContainerAsync(id);

        var listed = await Client.ListContainersAsync(new() { Labels = new Dictionary<string, string?> { ["granary.case"] = caseLabel } });
        Assert.Empty(listed);
        var error = await Assert.ThrowsAsync<DockerApiException>(() => Client.InspectContainerAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Stop_of_a_container_that_is_not_running_returns_false()
    {
        var id = await Client.CreateContainerAsync(engine.Container("sleep", "60"));

        Assert.False(await Client.StopContainerAsync(id, StopGrace));
    }

    [Fact]
    public async Task List_by_label_finds_only_the_containers_carrying_it()
    {
        var wanted = Guid.NewGuid().ToString("N");
        var other = Guid.NewGuid().ToString("N");
        ContainerCreateParameters Labelled(string value) => engine.Container("sleep", "60") with
        {
            Labels = new Dictionary<string, string> { [DockerEngineFixture.RunLabel] = engine.RunId, ["granary.case"] = value },
        };
        var first = await Client.CreateContainerAsync(Labelled(wanted));
        var second = await Client.CreateContainerAsync(Labelled(wanted));
        await Client.CreateContainerAsync(Labelled(other));
        await Client.CreateContainerAsync(engine.Container("sleep", "60"));

        var listed = await Client.ListContainersAsync(new() { Labels = new Dictionary<string, string?> { ["granary.case"] = wanted } });

        Assert.Equal(new[] { first, second }.Order(), listed.Select(container => container.Id).Order());
        Assert.All(listed, container => Assert.Equal(wanted, container.Labels["granary.case"]));
        Assert.All(listed, container => Assert.Equal("created", container.State));
    }

    [Fact]
    public async Task Memory_and_cpu_limits_appear_in_the_host_configuration()
    {
        const long memory = 64L * 1024 * 1024;
        const long halfACore = 500_000_000;

        var id = await Client.CreateContainerAsync(engine.Container("sleep", "60") with { MemoryBytes = memory, NanoCpus = halfACore });

        var container = await Client.InspectContainerAsync(id);
        Assert.Equal(memory, container.MemoryBytes);
        Assert.Equal(halfACore, container.NanoCpus);
        Assert.Equal("host", container.NetworkMode);
        Assert.False(container.AutoRemove);
        Assert.False(container.Tty);
    }

    [Fact]
    public async Task Process_exceeding_the_memory_limit_is_reported_as_oom_killed()
    {
        // The shell holds 100 MB in a variable under a 16 MiB limit; the kernel's OOM killer ends it.
        var id = await engine.RunAsync(engine.Container(
            "sh", "-c", "a=$(/bin/busybox head -c 100000000 /dev/zero | /bin/busybox tr '\\0' x); echo survived ${#a}") with
        {
            MemoryBytes = 16L * 1024 * 1024,
        });

        var exitCode = await Client.WaitContainerAsync(id);

        var container = await Client.InspectContainerAsync(id);
        Assert.True(container.OomKilled);
        Assert.Equal(137, exitCode);
        Assert.DoesNotContain("survived", (await Client.GetContainerLogsAsync(id)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_on_the_host_network_reaches_a_listener_on_loopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var id = await engine.RunAsync(engine.Container("sh", "-c", $"echo from-the-container | nc 127.0.0.1 {port}"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var connection = await listener.AcceptTcpClientAsync(timeout.Token);
        using var reader = new StreamReader(connection.GetStream());
        var line = await reader.ReadLineAsync(timeout.Token);
        connection.Close();

        Assert.Equal("from-the-container", line);
        Assert.Equal(0, await Client.WaitContainerAsync(id, cancellationToken: timeout.Token));
    }
}
