using System.Collections.Concurrent;
using Granary.Grains.Controller;
using Granary.Grains.Domains;
using Granary.Grains.Events;
using Granary.Grains.Identity;
using Granary.Grains.Jobs;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;

namespace Granary.Platform.Tests.Jobs;

/// <summary>Tasks, restart policies, run-to-completion workflows and resource-aware placement through a domain grain and real node silos.</summary>
public sealed class JobsClusterTests
{
    private static readonly TimeSpan ShortBackoff = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task A_run_to_completion_workflow_completes_when_every_task_exits_zero_and_its_instances_are_released()
    {
        await using var platform = await StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var log = Path.Combine(Directory.CreateTempSubdirectory("granary-job-").FullName, "out.log");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<ExitingFunction>("first", $"key={key},code=0", new() { ["out"] = "log" }),
                PlatformCluster.Function<ExitingFunction>("second", $"key={key},code=0,on=cast", null, new() { ["max_instances"] = "2" }),
            ],
            Resources = [new ResourceSpec("log", "file-log") { Configurations = new Dictionary<string, string> { ["filename"] = log } }],
            Annotations = new Dictionary<string, string> { ["job-type"] = "run-to-completion" },
        };

        var ids = await platform.DomainGrain.DeployWorkflow("job", spec);
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Tasks[ids["first"]][0].State == TaskState.Completed);
        Assert.Equal(WorkflowState.Active, (await platform.DomainGrain.Inspect()).Jobs["job"].State);
        foreach (var instance in (await platform.DomainGrain.Inspect()).Instances[ids["second"]])
        {
            await platform.Cluster.Client.GetGrain<INodeGrain>(instance.NodeId.ToString("D")).Cast(instance, default, 0, [1]);
        }

        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Jobs["job"].State == WorkflowState.Completed);
        var status = await platform.DomainGrain.Inspect();
        Assert.Equal("every task completed", status.Jobs["job"].Outcome);
        Assert.All(status.Tasks.Values.SelectMany(t => t), t => Assert.Equal((TaskState.Completed, 0, 0), (t.State, t.ExitCode, t.Restarts)));
        Assert.Equal(3, status.Tasks.Values.Sum(t => t.Count));
        Assert.All(status.Instances.Values, i => Assert.Empty(i));
        foreach (var node in status.Nodes)
        {
            await platform.WaitAsync(async () => (await platform.Cluster.Client.GetGrain<INodeGrain>(node.ToString("D")).Instances()).Count == 0);
        }
    }

    [Fact]
    public async Task A_run_to_completion_workflow_fails_when_a_task_fails_past_its_restart_policy_and_the_rest_is_stopped()
    {
        await using var platform = await StartAsync(nodes: 2);
        var received = await platform.SubscribeToDomainEventsAsync();
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<ExitingFunction>("worker", $"key={key}-worker,code=3", null, new() { ["restart-policy"] = "on-failure", ["max-restarts"] = "1" }),
                PlatformCluster.Function<IdleFunction>("idle", $"key={key}"),
            ],
            Annotations = new Dictionary<string, string> { ["job-type"] = "run-to-completion" },
        };

        var ids = await platform.DomainGrain.DeployWorkflow("failing-job", spec);

        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Jobs["failing-job"].State == WorkflowState.Failed);
        var status = await platform.DomainGrain.Inspect();
        var worker = Assert.Single(status.Tasks[ids["worker"]]);
        Assert.Equal((TaskState.Failed, 1, 3), (worker.State, worker.Restarts, worker.ExitCode));
        Assert.Contains("exited with code 3", worker.LastFailure, StringComparison.Ordinal);
        Assert.Contains("task 0 of worker failed", status.Jobs["failing-job"].Outcome, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, Assert.Single(status.Tasks[ids["idle"]]).State);
        Assert.All(status.Instances.Values, i => Assert.Empty(i));
        Assert.Equal(2, Observed.Of(key + "-worker:started").Count);
        await platform.WaitAsync(() => Task.FromResult(received.OfType<JobFailed>().Any(e => e.WorkflowId == "failing-job" && e.Component == "worker")));
        Assert.Contains(received.OfType<TaskStateChanged>(), e => e.Component == "worker" && e.From == TaskState.Failed && e.To == TaskState.Scheduled);
        Assert.Contains(received.OfType<TaskStateChanged>(), e => e.Component == "worker" && e.To == TaskState.Failed && e.ExitCode == 3 && e.Restarts == 1);
    }

    [Fact]
    public async Task A_failing_task_of_a_continuous_workflow_restarts_after_back_off_until_max_restarts()
    {
        await using var platform = await StartAsync(nodes: 1);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions = [PlatformCluster.Function<ExitingFunction>("flaky", $"key={key},code=1", null, new() { ["max-restarts"] = "2" })],
        };

        var ids = await platform.DomainGrain.DeployWorkflow("flaky", spec);

        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Tasks[ids["flaky"]][0] is { State: TaskState.Failed, RestartAt: null });
        var task = (await platform.DomainGrain.Inspect()).Tasks[ids["flaky"]][0];
        Assert.Equal(2, task.Restarts);
        Assert.Equal(3, Observed.Of(key + ":started").Count);
        var function = platform.Cluster.Client.GetGrain<ILogicalFunctionGrain>(ids["flaky"].ToString());
        await platform.WaitAsync(async () => (await function.Inspect())?.Record.Tasks is [{ State: TaskState.Failed, Restarts: 2 }]);
        var record = await function.Inspect();
        Assert.StartsWith("restart-policy always, max-restarts 2, request none", record!.Record.TaskSettings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_restart_policy_never_a_crashed_function_is_not_restarted()
    {
        await using var platform = await StartAsync(nodes: 2);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions =
            [
                PlatformCluster.Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "crasher" }),
                PlatformCluster.Function<CrashingFunction>("crasher", $"key={key}", null, new() { ["restart-policy"] = "never" }),
            ],
        };

        var ids = await platform.DomainGrain.DeployWorkflow("never", spec);

        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Tasks[ids["crasher"]][0].State == TaskState.Failed);
        var status = await platform.DomainGrain.Inspect();
        Assert.Empty(status.Instances[ids["crasher"]]);
        Assert.Contains("deliberate crash", status.Tasks[ids["crasher"]][0].LastFailure, StringComparison.Ordinal);
        Assert.Null(status.Tasks[ids["crasher"]][0].ExitCode);
        Assert.Null(status.Tasks[ids["crasher"]][0].RestartAt);
    }

    [Fact]
    public async Task Resource_fit_places_only_where_the_request_fits_and_says_why_not_elsewhere()
    {
        // Node i has i + 1 cores.
        await using var platform = await StartAsync(nodes: 3, PlacementPolicy.ResourceFit);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions = [PlatformCluster.Function<IdleFunction>("big", $"key={key}", null, new() { ["cpu"] = "2.5", ["max_instances"] = "2" })],
        };

        var ids = await platform.DomainGrain.DeployWorkflow("fit", spec);

        var status = await platform.DomainGrain.Inspect();
        var instance = Assert.Single(status.Instances[ids["big"]]);
        Assert.Equal("node-2", NodeName(platform, instance.NodeId));
        Assert.Contains("node node-0 has no room: cpu 2.5", status.Unplaced[ids["big"]], StringComparison.Ordinal);
        Assert.Contains("node node-2 has no room: cpu 2.5, memory 0 MiB, disk 0 MiB requested, cpu 0.5", status.Unplaced[ids["big"]], StringComparison.Ordinal);
        Assert.Equal([TaskState.Running, TaskState.Pending], status.Tasks[ids["big"]].Select(t => t.State));
    }

    [Fact]
    public async Task Epvm_chosen_by_annotation_fills_the_cheapest_nodes_first_and_never_overcommits()
    {
        await using var platform = await StartAsync(nodes: 3, PlacementPolicy.RoundRobin);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions = [.. Enumerable.Range(0, 7).Select(i => PlatformCluster.Function<IdleFunction>($"f{i}", $"key={key}", null, new() { ["cpu"] = "1", ["placement"] = "epvm" }))],
        };

        var ids = await platform.DomainGrain.DeployWorkflow("epvm", spec);

        var status = await platform.DomainGrain.Inspect();
        var perNode = status.Instances.Values.SelectMany(i => i).GroupBy(i => NodeName(platform, i.NodeId)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["node-0"] = 1, ["node-1"] = 2, ["node-2"] = 3 }, perNode);
        Assert.Single(status.Unplaced);
        Assert.Empty(status.Instances[ids["f6"]]);
    }

    private static Task<PlatformCluster> StartAsync(int nodes, PlacementPolicy strategy = PlacementPolicy.RoundRobin) =>
        PlatformCluster.StartAsync(nodes, strategy, orchestrator: s => s.Services.Configure<DomainOptions>(d =>
        {
            d.Tasks.InitialBackoff = ShortBackoff;
            d.Tasks.MaxBackoff = ShortBackoff * 4;
        }));

    private static string NodeName(PlatformCluster platform, Guid nodeId) =>
        platform.Nodes.Select((n, i) => (n, i)).Single(x => x.n.Name == nodeId.ToString("D")).i is var index ? $"node-{index}" : string.Empty;
}
