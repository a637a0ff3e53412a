using System.Text.RegularExpressions;
using Granary.Cli;

namespace Granary.Client.Tests;

/// <summary>The <c>granary</c> command, run in process against a live cluster.</summary>
public sealed partial class CliTests(ControllerClusterFixture fixture) : IClassFixture<ControllerClusterFixture>
{
    private ControllerCluster Cluster => fixture.Cluster;

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Cluster.RunCliAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> StartValidAsync(string key)
    {
        var (exit, output, error) = await RunAsync("workflow", "start", WorkflowFiles.Write(WorkflowFiles.Valid(key)));
        Assert.True(exit == ExitCodes.Success, error);
        return StartedId().Match(output).Groups[1].Value;
    }

    [Fact]
    public async Task Events_prints_the_domain_events_live_until_cancelled()
    {
        using var stop = new CancellationTokenSource();
        var output = new LockedWriter();
        var error = new StringWriter();
        var events = Granary.Cli.GranaryCli.RunAsync(["events", "--domain", ControllerCluster.Domain], output, error, (_, _) =>
            Task.FromResult(GranaryClient.FromGrainFactory(Cluster.Cluster.Client)), stop.Token);
        await Cluster.WaitAsync(() => Task.FromResult(output.ToString().Contains("Following the events of " + ControllerCluster.Domain, StringComparison.Ordinal)));

        var id = await StartValidAsync(Guid.NewGuid().ToString("N"));
        await Cluster.WaitAsync(() => Task.FromResult(output.ToString().Contains("WorkflowStarted", StringComparison.Ordinal)
            && output.ToString().Contains("InstanceStarted", StringComparison.Ordinal)));
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await events);
        Assert.Matches($@"\d{{4}}-\d\d-\d\dT[\d:.]+Z {ControllerCluster.Domain} WorkflowStarted \{{.*{id}", output.ToString());
        Assert.Equal(string.Empty, error.ToString());
    }

    /// <summary>A writer the event callbacks and the test may use at once.</summary>
    private sealed class LockedWriter : StringWriter
    {
        public override void Write(char value)
        {
            lock (this)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (this)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (this)
            {
                base.Write(buffer, index, count);
            }
        }

        public override string ToString()
        {
            lock (this)
            {
                return base.ToString();
            }
        }
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "broken JSON", """{ "functions": [ """, "broken JSON at line" },
        { "unknown target", WorkflowFiles.Valid("k").Replace("\"out\": \"b\"", "\"out\": \"nowhere\"", StringComparison.Ordinal),
            "functions[0].output_mapping.out: unknown mapping target 'nowhere'" },
        { "duplicate names", WorkflowFiles.Valid("k").Replace("\"name\": \"b\"", "\"name\": \"a\"", StringComparison.Ordinal),
            "functions[1].name: duplicate name 'a'" },
        { "missing fields", WorkflowFiles.Valid("k").Replace("\"resources\": [],", string.Empty, StringComparison.Ordinal), "resources: missing required field" },
        { "unknown function type", WorkflowFiles.Valid("k").Replace("\"DOTNET\"", "\"PYTHON\"", StringComparison.Ordinal),
            "functions[0].class_specification.function_type: unknown function_type 'PYTHON'" },
        { "missing code file", WorkflowFiles.Valid("k").Replace(WorkflowFiles.Code, "\"missing.dll\"", StringComparison.Ordinal),
            "functions[0].class_specification.code: code file not found: 'missing.dll'" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Starting_a_bad_file_names_the_file_and_the_problem_exits_2_and_leaves_the_cluster_working(string kind, string json, string expected)
    {
        var path = WorkflowFiles.Write(json);

        var (exit, output, error) = await RunAsync("workflow", "start", path);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{kind}: expected '{expected}' in: {error}");
        Assert.Empty(output);
        var id = await StartValidAsync(Guid.NewGuid().ToString("N"));
        Assert.True(await Cluster.Client.Workflows.StopAsync(id));
    }

    [Fact]
    public async Task Starting_a_file_that_does_not_exist_exits_2_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "nope.json");

        var (exit, _, error) = await RunAsync("workflow", "start", path);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("cannot read the file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_inspect_and_stop_all_show_and_remove_the_started_workflows()
    {
        await Cluster.Client.Workflows.StopAllAsync();
        var first = await StartValidAsync(Guid.NewGuid().ToString("N"));
        var second = await StartValidAsync(Guid.NewGuid().ToString("N"));

        var list = await RunAsync("workflow", "list");
        Assert.Equal(ExitCodes.Success, list.Exit);
        Assert.Contains("WORKFLOW", list.Out, StringComparison.Ordinal);
        Assert.Contains(first, list.Out, StringComparison.Ordinal);
        Assert.Contains(second, list.Out, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(list.Out, "Active +" + ControllerCluster.Domain));

        var inspect = await RunAsync("workflow", "inspect", first);
        Assert.Equal(ExitCodes.Success, inspect.Exit);
        var details = await Cluster.Client.Workflows.InspectAsync(first);
        foreach (var component in details!.Components)
        {
            Assert.Matches($@"{component.Name} +DOTNET +{ControllerCluster.Domain} +{component.LogicalId} +{Regex.Escape(component.Instances.Single().ToString())} +running", inspect.Out);
        }

        var all = await RunAsync("workflow", "inspect", "all");
        Assert.Contains($"Workflow {first}: Active", all.Out, StringComparison.Ordinal);
        Assert.Contains($"Workflow {second}: Active", all.Out, StringComparison.Ordinal);

        var stop = await RunAsync("workflow", "stop", "all");
        Assert.Equal(ExitCodes.Success, stop.Exit);
        Assert.Contains("Stopped 2 workflow(s)", stop.Out, StringComparison.Ordinal);
        Assert.Contains("No workflows.", (await RunAsync("workflow", "list")).Out, StringComparison.Ordinal);
        Assert.Empty(await Cluster.Client.Workflows.ListAsync());
    }

    [Fact]
    public async Task Domain_and_node_commands_print_the_registered_domain_and_its_nodes()
    {
        var domains = await RunAsync("domain", "list");
        Assert.Equal(ExitCodes.Success, domains.Exit);
        Assert.Matches($@"{ControllerCluster.Domain} +2 +DOTNET +file-log", domains.Out);

        var nodes = await RunAsync("node", "list");
        Assert.Equal(ExitCodes.Success, nodes.Exit);
        foreach (var node in Cluster.Nodes)
        {
            Assert.Contains(node.Name, nodes.Out, StringComparison.Ordinal);
        }

        Assert.Contains("PROTECTION", nodes.Out, StringComparison.Ordinal);
        Assert.Contains("normal", nodes.Out, StringComparison.Ordinal);

        var inspect = await RunAsync("node", "inspect", "node-1");
        Assert.Equal(ExitCodes.Success, inspect.Exit);
        Assert.Contains(Cluster.Nodes[1].Name, inspect.Out, StringComparison.Ordinal);

        var domain = await RunAsync("domain", "inspect", ControllerCluster.Domain);
        Assert.Equal(ExitCodes.Success, domain.Exit);
        Assert.Contains("node-0", domain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_invoke_with_call_prints_the_answer()
    {
        var id = await StartValidAsync(Guid.NewGuid().ToString("N"));

        var (exit, output, error) = await RunAsync("function", "invoke", id, "b", "hi", "--call");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Equal("echo:hi", output.Trim());
        Assert.True(await Cluster.Client.Workflows.StopAsync(id));
    }

    [Fact]
    public async Task A_run_to_completion_workflow_is_listed_completed_or_failed_and_inspect_shows_its_tasks()
    {
        var (exit, output, error) = await RunAsync("workflow", "start", WorkflowFiles.Write(WorkflowFiles.Job(badCode: 0)));
        Assert.True(exit == ExitCodes.Success, error);
        var completed = StartedId().Match(output).Groups[1].Value;
        (exit, output, error) = await RunAsync("workflow", "start", WorkflowFiles.Write(WorkflowFiles.Job(badCode: 7)));
        Assert.True(exit == ExitCodes.Success, error);
        var failed = StartedId().Match(output).Groups[1].Value;

        await Cluster.WaitAsync(async () => (await RunAsync("workflow", "list")).Out is var list
            && Regex.IsMatch(list, $"{completed} +Completed") && Regex.IsMatch(list, $"{failed} +Failed"));

        var inspect = await RunAsync("workflow", "inspect", completed);
        Assert.Contains($"Workflow {completed}: Completed, domain {ControllerCluster.Domain} (every task completed)", inspect.Out, StringComparison.Ordinal);
        Assert.Matches(@"ok +0 +Completed +[0-9a-f-]+/[0-9a-f-]+ +0 +0 +- +-", inspect.Out);
        var bad = await RunAsync("workflow", "inspect", failed);
        Assert.Contains($"Workflow {failed}: Failed", bad.Out, StringComparison.Ordinal);
        Assert.Matches(@"bad +0 +Failed +[0-9a-f-]+/[0-9a-f-]+ +0 +7 +the function exited with code 7", bad.Out);

        var ok = (await Cluster.Client.Workflows.InspectAsync(completed))!.Components.Single(c => c.Name == "ok");
        var function = await RunAsync("function", "inspect", ok.LogicalId!.Value.ToString());
        Assert.Contains("Tasks: restart-policy always, max-restarts unlimited, request cpu 0.1, memory 16 MiB, disk 0 MiB, placement round-robin (the domain's)", function.Out, StringComparison.Ordinal);
        Assert.Matches(@"ok +0 +Completed", function.Out);
        Assert.True(await Cluster.Client.Workflows.StopAsync(completed));
        Assert.True(await Cluster.Client.Workflows.StopAsync(failed));
    }

    [Fact]
    public async Task Function_inspect_prints_the_logical_function_and_rejects_a_bad_or_unknown_id()
    {
        var id = await StartValidAsync(Guid.NewGuid().ToString("N"));
        var details = await Cluster.Client.Workflows.InspectAsync(id);
        var a = details!.Components.Single(c => c.Name == "a");
        var b = details.Components.Single(c => c.Name == "b");

        var (exit, output, error) = await RunAsync("function", "inspect", a.LogicalId!.Value.ToString());
        var (badExit, _, badError) = await RunAsync("function", "inspect", "not-a-uuid");
        var (unknownExit, _, unknownError) = await RunAsync("function", "inspect", Guid.NewGuid().ToString());

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains($"Function a (DOTNET) of workflow {id}", output, StringComparison.Ordinal);
        Assert.Contains("instances 1 of 1", output, StringComparison.Ordinal);
        Assert.Contains(a.Instances.Single().ToString(), output, StringComparison.Ordinal);
        Assert.Contains(b.LogicalId!.Value.ToString(), output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, badExit);
        Assert.Contains("'not-a-uuid' is not a logical id", badError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.ClusterError, unknownExit);
        Assert.Contains("No domain runs a function", unknownError, StringComparison.Ordinal);
        Assert.True(await Cluster.Client.Workflows.StopAsync(id));
    }

    [Fact]
    public async Task Function_invoke_cast_reaches_the_instance()
    {
        var key = Guid.NewGuid().ToString("N");
        var id = await StartValidAsync(key);

        var (exit, output, _) = await RunAsync("function", "invoke", id, "a", "payload-1");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Cast delivered.", output, StringComparison.Ordinal);
        await Cluster.WaitAsync(() => Task.FromResult(Observed.Of(key + "-b:cast").Contains("payload-1")));
        Assert.True(await Cluster.Client.Workflows.StopAsync(id));
    }

    [Fact]
    public async Task Stopping_an_unknown_workflow_exits_1()
    {
        var (exit, _, error) = await RunAsync("workflow", "stop", "no-such-workflow");

        Assert.Equal(ExitCodes.ClusterError, exit);
        Assert.Contains("No workflow 'no-such-workflow'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_exits_2()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await GranaryCli.RunAsync(["workflow", "frobnicate"], output, error);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("frobnicate", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_gateway_exits_2_and_an_unreachable_one_exits_1()
    {
        var error = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, await GranaryCli.RunAsync(["workflow", "list", "--gateway", "no-port"], new StringWriter(), error));
        Assert.Contains("no-port", error.ToString(), StringComparison.Ordinal);

        error = new StringWriter();
        Assert.Equal(ExitCodes.ClusterError, await GranaryCli.RunAsync(["workflow", "list", "--gateway", "127.0.0.1:1"], new StringWriter(), error));
        Assert.Contains("Cannot reach the cluster", error.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Started workflow (\S+) on domain")]
    private static partial Regex StartedId();
}
