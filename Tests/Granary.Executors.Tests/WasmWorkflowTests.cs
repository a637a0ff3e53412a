using System.Globalization;
using System.Text;
using Granary.Executors.Wasm;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Executors.Tests;

/// <summary>WebAssembly functions in workflows on a cluster of node silos.</summary>
public sealed class WasmWorkflowTests
{
    [Fact]
    public async Task The_vector_mul_chain_from_the_example_workflow_completes_rounds_around_the_loop()
    {
        var spec = WorkflowSpecParser.ParseFile(WasmModules.Workflow("vector_mul/workflow-chain.json"));
        await using var platform = await ExecutorCluster.StartAsync(nodes: 3);

        var ids = await platform.DomainGrain.DeployWorkflow("chain", spec);
        var client = await platform.InstanceOfAsync(ids["client"]);

        await platform.WaitAsync(() => platform.Logs.Telemetry("tend").Count >= 5, 30_000);
        var ends = platform.Logs.Telemetry("tend").Take(5).ToList();
        Assert.All(ends, e => Assert.Equal(client.ToString(), e.Instance));
        Assert.Equal(["0", "1", "2", "3", "4"], ends.Select(e => e.Text));
        Assert.Equal(["0", "1", "2", "3", "4"], platform.Logs.Telemetry("tbegin").Take(5).Select(e => e.Text));
    }

    [Theory]
    [InlineData(0, "Completed")]
    [InlineData(5, "Failed")]
    public async Task A_webassembly_task_ends_with_the_exit_code_it_passes_to_granary_task_exit(byte exitCode, string outcome)
    {
        await using var platform = await ExecutorCluster.StartAsync(nodes: 1);
        var workflow = "wasm-job-" + exitCode;
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.WasmFunction("task", WasmModules.TestModule("task_exit"), string.Empty, annotations: new() { ["restart-policy"] = "never" })],
            Annotations = new Dictionary<string, string> { ["job-type"] = "run-to-completion" },
        };
        var ids = await platform.DomainGrain.DeployWorkflow(workflow, spec);
        var task = await platform.InstanceOfAsync(ids["task"]);
        Assert.Equal("alive", (await platform.NodeOf(task).Call(task, default, 0, [])).Text);

        await platform.NodeOf(task).Cast(task, default, 0, [exitCode]);

        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Jobs[workflow].State.ToString() == outcome);
        var status = await platform.DomainGrain.Inspect();
        Assert.Equal(exitCode, Assert.Single(status.Tasks[ids["task"]]).ExitCode);
        Assert.Empty(status.Instances[ids["task"]]);
        Assert.Empty(await platform.NodeOf(task).Instances());
    }

    [Fact]
    public async Task The_message_generator_appends_a_line_to_the_file_log_each_period()
    {
        var parsed = WorkflowSpecParser.ParseFile(WasmModules.Workflow("file_log/workflow.json"));
        var file = Path.Combine(Directory.CreateTempSubdirectory("granary-file-log-").FullName, "my-local-file.log");
        var generator = parsed.Functions[0];
        var spec = parsed with
        {
            Functions = [generator with { Annotations = new Dictionary<string, string>(generator.Annotations) { ["init-payload"] = "message=hello world,period=300" } }],
            Resources = [parsed.Resources[0] with { Configurations = new Dictionary<string, string>(parsed.Resources[0].Configurations) { ["filename"] = file } }],
        };
        await using var platform = await ExecutorCluster.StartAsync(nodes: 1);

        var ids = await platform.DomainGrain.DeployWorkflow("file-log", spec);
        var source = await platform.InstanceOfAsync(ids["my-message-generator"]);

        await platform.WaitAsync(() => File.Exists(file) && File.ReadAllLines(file).Length >= 3, 15_000);
        var lines = File.ReadAllLines(file).Take(3).ToList();
        Assert.All(lines, l => Assert.EndsWith($"from node_id {source.NodeId:D} function_id {source.ComponentId:D} [#{lines.IndexOf(l)}]: hello world", l, StringComparison.Ordinal));
        var times = lines.Select(l => DateTimeOffset.Parse(l[..l.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture)).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.InRange((pair.Second - pair.First).TotalMilliseconds, 250, 2000));
    }

    [Fact]
    public async Task A_counter_with_global_state_continues_from_its_saved_count_after_its_node_dies()
    {
        await using var platform = await ExecutorCluster.StartAsync(nodes: 2);
        var (counter, first) = await DeployGlobalCounterAsync(platform, "counting", 5);

        await platform.Cluster.KillSiloAsync(platform.Nodes.Single(n => n.Name == first.NodeId.ToString("D")));
        var second = await platform.InstanceOfAsync(counter, i => i.NodeId != first.NodeId);
        await CastAsync(platform, second, 3);

        await platform.WaitAsync(async () => (await CountAsync(platform, second)) == "8");
    }

    [Fact]
    public async Task A_counter_with_global_state_keeps_its_count_when_the_orchestrator_migrates_it()
    {
        await using var platform = await ExecutorCluster.StartAsync(nodes: 2);
        var (counter, first) = await DeployGlobalCounterAsync(platform, "migrating", 4);

        var target = platform.Nodes.Single(n => n.Name != first.NodeId.ToString("D"));
        await platform.DomainGrain.Migrate(counter, Guid.Parse(target.Name));
        var second = await platform.InstanceOfAsync(counter, i => i.NodeId != first.NodeId);
        await CastAsync(platform, second, 2);

        await platform.WaitAsync(async () => (await CountAsync(platform, second)) == "6");
        Assert.DoesNotContain(await platform.NodeOf(first).Instances(), i => i.Id == first);
    }

    [Fact]
    public async Task Ping_on_one_node_answers_with_the_reply_of_pong_on_another()
    {
        await using var platform = await ExecutorCluster.StartAsync(nodes: 2);
        var spec = new WorkflowSpec
        {
            Functions =
            [
                ExecutorCluster.WasmFunction("ping", WasmModules.Example("ping"), "", new() { ["pong"] = "pong" }, new() { ["node_id_match_any"] = platform.Nodes[0].Name }),
                ExecutorCluster.WasmFunction("pong", WasmModules.Example("pong"), "", annotations: new() { ["node_id_match_any"] = platform.Nodes[1].Name }),
            ],
        };
        var ids = await platform.DomainGrain.DeployWorkflow("ping-pong", spec);
        var ping = await platform.InstanceOfAsync(ids["ping"]);
        var pong = await platform.InstanceOfAsync(ids["pong"]);

        var replies = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            replies.Add((await platform.NodeOf(ping).Call(ping, default, 0, Encoding.UTF8.GetBytes($"hello {i}"))).Text);
        }

        Assert.NotEqual(ping.NodeId, pong.NodeId);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"pong:hello {i}"), replies);
    }

    [Fact]
    public async Task A_ring_of_relays_over_two_nodes_keeps_passing_the_token_around()
    {
        await using var platform = await ExecutorCluster.StartAsync(nodes: 2);
        FunctionSpec Relay(string name, string next, bool client, int node) => ExecutorCluster.WasmFunction(
            name, WasmModules.Example("relay"), client ? "is_client=true" : "is_client=false", new() { ["out"] = next }, new() { ["node_id_match_any"] = platform.Nodes[node].Name });
        var spec = new WorkflowSpec { Functions = [Relay("client", "f1", true, 0), Relay("f1", "f2", false, 1), Relay("f2", "client", false, 0)] };

        var ids = await platform.DomainGrain.DeployWorkflow("ring", spec);
        var instances = new List<InstanceId>();
        foreach (var lid in ids.Values)
        {
            instances.Add(await platform.InstanceOfAsync(lid));
        }

        // One token, handled by each member in turn: all of them keep counting events.
        await platform.WaitAsync(async () =>
        {
            var events = new List<long>();
            foreach (var instance in instances)
            {
                events.Add((await platform.NodeOf(instance).Instances()).Single(i => i.Id == instance).Events);
            }

            return events.All(e => e >= 200);
        }, 30_000);
    }

    [Theory]
    [InlineData("trap", "", "unreachable")]
    [InlineData("spin", WasmAnnotations.MaxEventMs + "=300", "deadline exceeded")]
    [InlineData("deep", "", "call stack exhausted")]
    [InlineData("hog", WasmAnnotations.MaxMemoryPages + "=16", "memory is at the limit of 16 pages")]
    public async Task A_misbehaving_function_is_stopped_and_reported_while_another_on_its_node_keeps_serving(string mode, string annotations, string reason)
    {
        await using var platform = await ExecutorCluster.StartAsync(nodes: 1);
        var hostile = WasmModules.TestModule("hostile");
        var limits = annotations.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Split('=')).ToDictionary(a => a[0], a => a[1]);
        var spec = new WorkflowSpec
        {
            Functions =
            [
                ExecutorCluster.WasmFunction("bad", hostile, $"mode={mode}", annotations: limits),
                ExecutorCluster.WasmFunction("good", WasmModules.Example("counter"), ""),
            ],
        };
        var ids = await platform.DomainGrain.DeployWorkflow("sandbox", spec);
        var bad = await platform.InstanceOfAsync(ids["bad"]);
        var good = await platform.InstanceOfAsync(ids["good"]);
        Assert.Equal(bad.NodeId, good.NodeId);

        await platform.NodeOf(bad).Cast(bad, default, 0, [1]);
        await CastAsync(platform, good, 3);

        await platform.WaitAsync(() => platform.Logs.Entries.Any(e => e.Exception is WasmFunctionException && e.Message.Contains(bad.ToString(), StringComparison.Ordinal)));
        var crash = platform.Logs.Entries.First(e => e.Exception is WasmFunctionException && e.Message.Contains(bad.ToString(), StringComparison.Ordinal));
        Assert.Contains(reason, crash.Exception!.Message, StringComparison.Ordinal);
        var restarted = await platform.InstanceOfAsync(ids["bad"], i => i != bad);
        Assert.NotEqual(bad, restarted);
        await platform.WaitAsync(async () => (await CountAsync(platform, good)) == "3");
        Assert.Equal(good, await platform.InstanceOfAsync(ids["good"]));
    }

    /// <summary>Deploys the counter example with global state and counts <paramref name="casts"/> casts on its instance.</summary>
    private static async Task<(LogicalFunctionId Counter, InstanceId Instance)> DeployGlobalCounterAsync(ExecutorCluster platform, string workflow, int casts)
    {
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.WasmFunction("counter", WasmModules.Example("counter"), "", annotations: new() { ["state_policy"] = "global" })],
        };
        var counter = (await platform.DomainGrain.DeployWorkflow(workflow, spec))["counter"];
        var instance = await platform.InstanceOfAsync(counter);
        await CastAsync(platform, instance, casts);
        await platform.WaitAsync(async () => (await CountAsync(platform, instance)) == casts.ToString(CultureInfo.InvariantCulture));
        return (counter, instance);
    }

    private static async Task CastAsync(ExecutorCluster platform, InstanceId target, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await platform.NodeOf(target).Cast(target, default, 0, Encoding.UTF8.GetBytes("tick"));
        }
    }

    private static async Task<string> CountAsync(ExecutorCluster platform, InstanceId counter)
    {
        var result = await platform.NodeOf(counter).Call(counter, default, 0, []);
        return result.Kind == CallResultKind.Reply ? result.Text : $"<{result.Kind}: {result.Text}>";
    }
}
