using System.Text;
using Docker.DotNet.Models;
using Granary.Executors.Container;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Tests;

/// <summary>
/// CONTAINER functions on node silos of a TestCluster, run by a real dockerd from the template image of
/// examples/functions/container (a busybox shell function behind busybox httpd).
/// </summary>
[Collection(ContainerEngineCollection.Name)]
public sealed class ContainerFunctionTests(ContainerEngineFixture engine)
{
    [Fact]
    public async Task A_container_function_receives_casts_and_answers_calls()
    {
        var log = Path.Combine(Directory.CreateTempSubdirectory("granary-container-log-").FullName, "out.log");
        await using var platform = await StartAsync();
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.ContainerFunction("counter", engine.Code, outputs: new() { ["out"] = "log" })],
            Resources = [new ResourceSpec("log", "file-log") { Configurations = new Dictionary<string, string> { ["filename"] = log } }],
        };
        var ids = await platform.DomainGrain.DeployWorkflow("casts-and-calls", spec);
        var counter = await platform.InstanceOfAsync(ids["counter"]);

        // Numbered (1, 2, 3), as nodes number what an instance sends: Orleans may reorder separate one-way messages.
        var sequence = 0;
        foreach (var message in new[] { "a", "b", "c" })
        {
            await platform.NodeOf(counter).Cast(counter, default, ++sequence, Encoding.UTF8.GetBytes(message));
        }

        await platform.WaitAsync(async () => await CallAsync(platform, counter, "count") == "3");
        await platform.WaitAsync(() => File.Exists(log) && File.ReadAllLines(log).Length == 3);
        Assert.Equal([": a", ": b", ": c"], File.ReadAllLines(log).Select(l => l[l.LastIndexOf(": ", StringComparison.Ordinal)..]));
        Assert.All(File.ReadAllLines(log), l => Assert.Contains($"from node_id {counter.NodeId:D} function_id {counter.ComponentId:D}", l, StringComparison.Ordinal));
        Assert.Equal("echo:hello", await CallAsync(platform, counter, "hello"));
        Assert.Equal(counter.ToString(), await CallAsync(platform, counter, "self"));
        Assert.Equal(CallResultKind.NoReply, (await platform.NodeOf(counter).Call(counter, default, 0, Encoding.UTF8.GetBytes("none"))).Kind);
        var failed = await platform.NodeOf(counter).Call(counter, default, 0, Encoding.UTF8.GetBytes("fail"));
        Assert.Equal(CallResultKind.Error, failed.Kind);
        Assert.Equal("Container function counter answered the call with 500: asked to fail", failed.Text);
        Assert.Equal([(counter.ToString(), "count=0")], platform.Logs.Telemetry("init"));
        Assert.Contains(FunctionTypes.Container, (await platform.DomainGrain.Describe()).Runtimes);
    }

    [Fact]
    public async Task A_container_function_calls_and_delays_casts_to_other_functions_through_the_host_api()
    {
        await using var platform = await StartAsync();
        var spec = new WorkflowSpec
        {
            Functions =
            [
                ExecutorCluster.ContainerFunction("asker", engine.Code, outputs: new() { ["peer"] = "answerer", ["out"] = "answerer" }),
                ExecutorCluster.ContainerFunction("answerer", engine.Code),
            ],
        };
        var ids = await platform.DomainGrain.DeployWorkflow("host-api", spec);
        var asker = await platform.InstanceOfAsync(ids["asker"]);
        var answerer = await platform.InstanceOfAsync(ids["answerer"]);

        Assert.Equal("peer said: echo:how are you", await CallAsync(platform, asker, "ask:how are you"));
        Assert.Equal("scheduled", await CallAsync(platform, asker, "later:tick"));
        await platform.WaitAsync(async () => await CallAsync(platform, answerer, "count") == "1");
    }

    [Fact]
    public async Task A_killed_container_is_reported_and_the_domain_restarts_the_function_with_its_saved_state()
    {
        await using var platform = await StartAsync();
        var spec = new WorkflowSpec { Functions = [ExecutorCluster.ContainerFunction("counter", engine.Code)] };
        var ids = await platform.DomainGrain.DeployWorkflow("crash", spec);
        var first = await platform.InstanceOfAsync(ids["counter"]);
        await platform.NodeOf(first).Cast(first, default, 0, [1]);
        await platform.NodeOf(first).Cast(first, default, 0, [2]);
        await platform.WaitAsync(async () => await CallAsync(platform, first, "count") == "2");
        var container = Assert.Single(await engine.ContainersAsync(ContainerLabels.Instance, first.ToString()));

        await engine.Docker.Containers.KillContainerAsync(container.ID, new ContainerKillParameters { Signal = "SIGKILL" });

        var second = await platform.InstanceOfAsync(ids["counter"], i => i != first);
        var crash = platform.Logs.Entries.First(e => e.Exception is ContainerFunctionException && e.Message.Contains(first.ToString(), StringComparison.Ordinal));
        Assert.Contains("exited unexpectedly with code 137 (killed by SIGKILL)", crash.Exception!.Message, StringComparison.Ordinal);
        Assert.Equal("2", await CallAsync(platform, second, "count"));
        await platform.WaitAsync(async () => (await engine.ContainersAsync(ContainerLabels.Instance, first.ToString())).Count == 0);
    }

    [Fact]
    public async Task A_missing_image_fails_placement_with_a_clear_message()
    {
        await using var platform = await StartAsync();
        var spec = new WorkflowSpec { Functions = [ExecutorCluster.ContainerFunction("ghost", "container:granary-test/no-such-image:" + engine.RunId)] };

        var ids = await platform.DomainGrain.DeployWorkflow("missing-image", spec);

        string? reason = null;
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Unplaced.TryGetValue(ids["ghost"], out reason) && reason.Contains("image", StringComparison.Ordinal));
        Assert.Contains(
            $"Function ghost: container image granary-test/no-such-image:{engine.RunId} is not on node {platform.Nodes[0].Name}, and Granary never pulls images",
            reason,
            StringComparison.Ordinal);
        Assert.Empty(await engine.ContainersAsync(ContainerLabels.Workflow, "missing-image"));
    }

    [Fact]
    public async Task A_container_runs_on_the_host_network_with_the_instance_labels_and_the_annotated_limits()
    {
        await using var platform = await StartAsync();
        var annotations = new Dictionary<string, string> { [ContainerAnnotations.Cpus] = "0.5", [ContainerAnnotations.MemoryMb] = "64" };
        var spec = new WorkflowSpec { Functions = [ExecutorCluster.ContainerFunction("limited", engine.Code, annotations: annotations)] };
        var ids = await platform.DomainGrain.DeployWorkflow("limits", spec);
        var instance = await platform.InstanceOfAsync(ids["limited"]);

        var container = await engine.Docker.Containers.InspectContainerAsync(Assert.Single(await engine.ContainersAsync(ContainerLabels.Instance, instance.ToString())).ID);

        Assert.True(container.State!.Running);
        Assert.Equal("host", container.HostConfig!.NetworkMode);
        Assert.Equal(500_000_000, container.HostConfig.NanoCPUs);
        Assert.Equal(64L * 1024 * 1024, container.HostConfig.Memory);
        Assert.False(container.HostConfig.AutoRemove);
        Assert.Equal("true", container.Config!.Labels![ContainerLabels.Managed]);
        Assert.Equal(instance.NodeId.ToString("D"), container.Config.Labels[ContainerLabels.Node]);
        Assert.Equal("limited", container.Config.Labels[ContainerLabels.Function]);
        Assert.Equal("limits", container.Config.Labels[ContainerLabels.Workflow]);
    }

    [Theory]
    [InlineData(ContainerAnnotations.MemoryMb, "lots")]
    [InlineData(ContainerAnnotations.Cpus, "-1")]
    public async Task A_malformed_limit_annotation_fails_placement_naming_it(string annotation, string value)
    {
        await using var platform = await StartAsync();
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.ContainerFunction("bad", engine.Code, annotations: new() { [annotation] = value })],
        };

        var ids = await platform.DomainGrain.DeployWorkflow("bad-limits", spec);

        string? reason = null;
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Unplaced.TryGetValue(ids["bad"], out reason) && reason.Contains("annotation", StringComparison.Ordinal));
        Assert.Contains($"Function bad: annotation '{annotation}' must be", reason, StringComparison.Ordinal);
        Assert.Contains($"found '{value}'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_that_refuses_init_fails_placement_and_its_containers_are_removed()
    {
        await using var platform = await StartAsync();
        var spec = new WorkflowSpec { Functions = [ExecutorCluster.ContainerFunction("refuser", engine.Code, "fail_init=true")] };

        var ids = await platform.DomainGrain.DeployWorkflow("refused", spec);

        string? reason = null;
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Unplaced.TryGetValue(ids["refuser"], out reason) && reason.Contains("init", StringComparison.Ordinal));
        Assert.Contains("Container function refuser refused init: /init answered 500: init refused", reason, StringComparison.Ordinal);
        await platform.DomainGrain.StopWorkflow("refused");
        await platform.WaitAsync(async () => (await engine.ContainersAsync(ContainerLabels.Workflow, "refused")).Count == 0);
    }

    [Fact]
    public async Task Stopping_a_workflow_removes_its_containers_and_shutting_the_node_down_removes_the_rest()
    {
        var platform = await StartAsync();
        try
        {
            var spec = new WorkflowSpec { Functions = [ExecutorCluster.ContainerFunction("one", engine.Code), ExecutorCluster.ContainerFunction("two", engine.Code)] };
            var stopped = await platform.DomainGrain.DeployWorkflow("stopped", spec);
            var kept = await platform.DomainGrain.DeployWorkflow("kept", spec);
            foreach (var id in stopped.Values.Concat(kept.Values))
            {
                await platform.InstanceOfAsync(id);
            }

            await platform.WaitAsync(async () => (await engine.ContainersAsync(ContainerLabels.Workflow, "stopped")).Count == 2);

            await platform.DomainGrain.StopWorkflow("stopped");

            Assert.Empty(await engine.ContainersAsync(ContainerLabels.Workflow, "stopped"));
            Assert.Equal(2, (await engine.ContainersAsync(ContainerLabels.Workflow, "kept")).Count);
        }
        finally
        {
            await platform.DisposeAsync();
        }

        Assert.Empty(await engine.ContainersAsync());
    }

    [Fact]
    public async Task Containers_left_by_a_dead_node_process_on_this_host_are_removed_before_the_first_container_starts()
    {
        // A process that has exited: its id names no process now (or one that started at another time).
        using var gone = System.Diagnostics.Process.Start("true")!;
        await gone.WaitForExitAsync();
        var self = System.Diagnostics.Process.GetCurrentProcess();
        var selfStart = new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        var owners = new Dictionary<string, string>
        {
            ["dead"] = $"{Environment.MachineName}/{gone.Id}/{selfStart}",
            ["alive"] = $"{Environment.MachineName}/{Environment.ProcessId}/{selfStart}",
            ["elsewhere"] = $"another-host-{Guid.NewGuid():N}/{gone.Id}/1",
        };
        foreach (var (name, owner) in owners)
        {
            await engine.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = engine.Image,
                Labels = new Dictionary<string, string>
                {
                    [ContainerEngineFixture.RunLabel] = engine.RunId,
                    [ContainerLabels.Managed] = "true",
                    [ContainerLabels.Owner] = owner,
                    [ContainerLabels.Workflow] = "leftover-" + name,
                },
            });
        }

        await using var platform = await StartAsync();
        var ids = await platform.DomainGrain.DeployWorkflow("after-leftovers", new WorkflowSpec { Functions = [ExecutorCluster.ContainerFunction("fresh", engine.Code)] });
        await platform.InstanceOfAsync(ids["fresh"]);

        Assert.Empty(await engine.ContainersAsync(ContainerLabels.Workflow, "leftover-dead"));
        Assert.Single(await engine.ContainersAsync(ContainerLabels.Workflow, "leftover-alive"));
        Assert.Single(await engine.ContainersAsync(ContainerLabels.Workflow, "leftover-elsewhere"));
        var fresh = Assert.Single(await engine.ContainersAsync(ContainerLabels.Workflow, "after-leftovers"));
        Assert.Equal($"{Environment.MachineName}/{Environment.ProcessId}/{selfStart}", fresh.Labels![ContainerLabels.Owner]);
        foreach (var kept in (await engine.ContainersAsync()).Where(c => c.Labels![ContainerLabels.Workflow].StartsWith("leftover-", StringComparison.Ordinal)))
        {
            await engine.RemoveAsync(kept.ID);
        }
    }

    [Fact]
    public async Task A_node_without_a_reachable_docker_engine_does_not_offer_containers()
    {
        var socket = Path.Combine(Path.GetTempPath(), "granary-no-docker-" + Guid.NewGuid().ToString("N") + ".sock");
        await using var platform = await ExecutorCluster.StartAsync(nodes: 1, node: s => s.AddContainerFunctions(o => o.DockerSocketPath = socket));

        var runtimes = (await platform.DomainGrain.Describe()).Runtimes;

        Assert.DoesNotContain(FunctionTypes.Container, runtimes);
        Assert.Contains(FunctionTypes.RustWasm, runtimes);
        Assert.Contains(platform.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message == $"This node does not offer the CONTAINER runtime: no Docker Engine socket at {socket}");
    }

    [Theory]
    [InlineData(0, "Completed")]
    [InlineData(3, "Failed")]
    public async Task A_run_to_completion_container_task_completes_when_its_process_exits_zero_and_fails_otherwise(int exitCode, string outcome)
    {
        await using var platform = await StartAsync();
        var workflow = "job-exit-" + exitCode;
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.ContainerFunction("task", engine.Code, $"exit_code={exitCode}", annotations: new() { ["restart-policy"] = "never" })],
            Annotations = new Dictionary<string, string> { ["job-type"] = "run-to-completion" },
        };

        var ids = await platform.DomainGrain.DeployWorkflow(workflow, spec);

        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Jobs[workflow].State.ToString() == outcome);
        var task = Assert.Single((await platform.DomainGrain.Inspect()).Tasks[ids["task"]]);
        Assert.Equal(exitCode, task.ExitCode);
        Assert.Equal(outcome, task.State.ToString());
        if (exitCode != 0)
        {
            Assert.Contains($"exited unexpectedly with code {exitCode}", task.LastFailure, StringComparison.Ordinal);
        }

        await platform.WaitAsync(async () => (await engine.ContainersAsync(ContainerLabels.Workflow, workflow)).Count == 0);
    }

    private Task<ExecutorCluster> StartAsync() => ExecutorCluster.StartAsync(nodes: 1, node: s => s.AddContainerFunctions(engine.Configure));

    private static async Task<string> CallAsync(ExecutorCluster platform, InstanceId target, string message)
    {
        var result = await platform.NodeOf(target).Call(target, default, 0, Encoding.UTF8.GetBytes(message));
        return result.Kind == CallResultKind.Reply ? result.Text : $"<{result.Kind}: {result.Text}>";
    }
}
