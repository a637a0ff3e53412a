using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Granary.Grains.Controller;
using Granary.Grains.Functions;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;

namespace Granary.Client.Tests;

/// <summary>The client library against a controller, an orchestrator and two nodes.</summary>
public sealed class ClientTests
{
    private static WorkflowSpec EchoChain(string key, string logFile) => new()
    {
        Functions =
        [
            ControllerCluster.Function<EchoFunction>("first", $"key={key}-first", new() { ["out"] = "second" }),
            ControllerCluster.Function<EchoFunction>("second", $"key={key}-second", new() { ["out"] = "log" }),
        ],
        Resources = [new ResourceSpec("log", ResourceClasses.FileLog) { Configurations = new Dictionary<string, string> { ["filename"] = logFile } }],
    };

    [Fact]
    public async Task A_workflow_started_through_the_client_is_listed_inspected_with_its_instances_and_stopped()
    {
        await using var cluster = await ControllerCluster.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var logFile = Path.Combine(Path.GetTempPath(), key + ".log");
        var nodeIds = cluster.Nodes.Select(n => n.Name).ToHashSet();

        var id = await cluster.Client.Workflows.StartAsync(EchoChain(key, logFile));

        var listed = Assert.Single(await cluster.Client.Workflows.ListAsync());
        Assert.Equal(id, listed.WorkflowId);
        Assert.Equal(ControllerCluster.Domain, listed.DomainId);
        Assert.Equal(WorkflowState.Active, listed.State);
        Assert.Equal(3, listed.ComponentCount);

        var details = await cluster.Client.Workflows.InspectAsync(id);
        Assert.NotNull(details);
        Assert.Equal(["first", "second", "log"], details.Components.Select(c => c.Name));
        Assert.Equal(["DOTNET", "DOTNET", "file-log"], details.Components.Select(c => c.Kind));
        Assert.All(details.Components, c =>
        {
            Assert.Equal(ControllerCluster.Domain, c.DomainId);
            Assert.NotNull(c.LogicalId);
            var instance = Assert.Single(c.Instances);
            Assert.Contains(instance.NodeId.ToString("D"), nodeIds);
        });

        // Each component's logical function grain knows what its domain decided: instances and outputs by logical id.
        var first = details.Components.Single(c => c.Name == "first");
        var second = details.Components.Single(c => c.Name == "second");
        var function = await cluster.Client.Functions.InspectAsync(first.LogicalId!.Value);
        Assert.NotNull(function);
        Assert.Equal(id, function.Record.WorkflowId);
        Assert.Equal(ControllerCluster.Domain, function.Record.DomainId);
        Assert.Equal(("first", "DOTNET", false, 1), (function.Record.Component, function.Record.Kind, function.Record.IsResource, function.Record.DesiredInstances));
        Assert.Equal(first.Instances, function.Record.Instances);
        Assert.Equal(second.LogicalId, function.Record.Outputs["out"]);
        Assert.Null(function.StateBytes);
        var log = details.Components.Single(c => c.Name == "log");
        Assert.Equal(("file-log", true), await cluster.Client.Functions.InspectAsync(log.LogicalId!.Value) is { } r ? (r.Record.Kind, r.Record.IsResource) : default);

        // The data plane works end to end: a cast from the client goes first → second → file-log.
        await cluster.Client.Functions.InvokeAsync(id, "first", "hello"u8.ToArray());
        await cluster.WaitAsync(() => Task.FromResult(File.Exists(logFile) && File.ReadAllText(logFile).Contains("hello", StringComparison.Ordinal)));
        var reply = await cluster.Client.Functions.InvokeAsync(id, "second", "ping"u8.ToArray(), call: true);
        Assert.Equal(CallResultKind.Reply, reply!.Kind);
        Assert.Equal("echo:ping", reply.Text);

        Assert.True(await cluster.Client.Workflows.StopAsync(id));

        Assert.Empty(await cluster.Client.Workflows.ListAsync());
        Assert.Null(await cluster.Client.Workflows.InspectAsync(id));
        foreach (var node in cluster.Nodes)
        {
            var inspected = await cluster.Client.Nodes.InspectAsync(node.Name);
            Assert.NotNull(inspected);
            Assert.DoesNotContain(inspected.Instances, i => i.WorkflowId == id);
        }

        Assert.False(await cluster.Client.Workflows.StopAsync(id));

        // The stopped workflow's logical functions are retired (one-way, so soon rather than at once).
        await cluster.WaitAsync(async () => await cluster.Client.Functions.InspectAsync(first.LogicalId.Value) is null);
    }

    [Fact]
    public async Task Domains_and_nodes_are_listed_with_the_union_of_their_capabilities()
    {
        await using var cluster = await ControllerCluster.StartAsync();

        var domain = Assert.Single(await cluster.Client.Domains.ListAsync());
        Assert.Equal(ControllerCluster.Domain, domain.DomainId);
        Assert.Equal(2, domain.NodeCount);
        Assert.Equal(["DOTNET"], domain.Runtimes);
        Assert.Equal(["file-log"], domain.ResourceClasses);

        var nodes = await cluster.Client.Nodes.ListAsync();
        Assert.Equal(cluster.Nodes.Select(n => n.Name).Order(), nodes.Select(n => n.NodeId.ToString("D")).Order());
        Assert.Equal(["node-0", "node-1"], nodes.Select(n => n.Name).Order());

        var summary = await cluster.Client.Domains.InspectAsync(ControllerCluster.Domain);
        Assert.NotNull(summary);
        Assert.Equal(2, summary.Nodes.Count);
        Assert.Null(await cluster.Client.Domains.InspectAsync("no-such-domain"));
    }

    [Fact]
    public async Task With_no_domain_registered_a_just_started_controller_says_domains_may_still_register()
    {
        // A controller silo alone: no domain ever registers.
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s => s.AddGranaryController(c => c.DomainGracePeriod = TimeSpan.FromSeconds(1)),
        });
        var client = GranaryClient.FromGrainFactory(cluster.Client);
        var spec = new WorkflowSpec { Functions = [ControllerCluster.Function<EchoFunction>("f", "key=x")] };

        var early = await Assert.ThrowsAsync<WorkflowRejectedException>(() => client.Workflows.StartAsync(spec));
        Assert.StartsWith("No domain is registered with the controller", early.Message, StringComparison.Ordinal);
        Assert.Contains("try again in a few seconds", early.Message, StringComparison.Ordinal);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var late = await Assert.ThrowsAsync<WorkflowRejectedException>(() => client.Workflows.StartAsync(spec));
        Assert.StartsWith("No domain is registered with the controller", late.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("try again", late.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runtime")]
    [InlineData("resource")]
    public async Task The_controller_rejects_a_workflow_no_domain_can_run_naming_what_is_missing(string missing)
    {
        await using var cluster = await ControllerCluster.StartAsync();
        var code = typeof(EchoFunction).Assembly.Location;
        var spec = missing == "runtime"
            ? new WorkflowSpec { Functions = [new FunctionSpec("wasm-fn", new FunctionClassSpecification("f", FunctionType.RustWasm, "1", code))] }
            : new WorkflowSpec
            {
                Functions = [ControllerCluster.Function<EchoFunction>("ok", "key=x")],
                Resources = [new ResourceSpec("ingress", ResourceClasses.HttpIngress)],
            };

        var error = await Assert.ThrowsAsync<WorkflowRejectedException>(() => cluster.Client.Workflows.StartAsync(spec));

        Assert.Contains(missing == "runtime" ? "runtime RUST_WASM (needed by wasm-fn)" : "resource class http-ingress (needed by ingress)", error.Message, StringComparison.Ordinal);
        Assert.Empty(await cluster.Client.Workflows.ListAsync());
    }

    [Fact]
    public async Task Active_workflows_survive_a_controller_restart()
    {
        await using var cluster = await ControllerCluster.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var id = await cluster.Client.Workflows.StartAsync(EchoChain(key, Path.Combine(Path.GetTempPath(), key + ".log")));

        await cluster.RestartControllerAsync();

        // The controller's state came from the shared storage and the domain, which lives on its own silo, kept running
        // the workflow: the new controller finds it active once the domain registers again.
        await cluster.WaitAsync(async () => (await cluster.Client.Workflows.ListAsync()).Any(w => w.WorkflowId == id));
        await cluster.WaitAsync(async () =>
            await cluster.Client.Workflows.InspectAsync(id) is { } d && d.Workflow.State == WorkflowState.Active && d.Components.All(c => c.Instances.Count == 1));
        var details = await cluster.Client.Workflows.InspectAsync(id);
        Assert.Equal(ControllerCluster.Domain, details!.Workflow.DomainId);
        var reply = await cluster.Client.Functions.InvokeAsync(id, "first", "again"u8.ToArray(), call: true);
        Assert.Equal("echo:again", reply!.Text);

        // Each component runs once, where the domain placed it.
        var expected = details.Components.SelectMany(c => c.Instances).Select(i => i.ToString()).Order(StringComparer.Ordinal).ToList();
        await cluster.WaitAsync(async () =>
        {
            var running = new List<string>();
            foreach (var node in cluster.Nodes)
            {
                if (await cluster.Client.Nodes.InspectAsync(node.Name) is not { } details)
                {
                    return false;
                }

                running.AddRange(details.Instances.Where(i => i.WorkflowId == id).Select(i => i.Id.ToString()));
            }

            return running.Order(StringComparer.Ordinal).SequenceEqual(expected);
        });
    }

    [Fact]
    public async Task Starts_the_controller_did_not_finish_before_it_died_are_adopted_or_dropped()
    {
        await using var cluster = await ControllerCluster.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var started = await cluster.Client.Workflows.StartAsync(EchoChain(key, Path.Combine(Path.GetTempPath(), key + ".log")));
        var neverStarted = Guid.NewGuid().ToString("D");

        // As the controller's index stands when it dies during starts: one workflow deployed (its workflow grain has
        // it) but not indexed as such yet, one indexed whose workflow grain never got it.
        await cluster.RestartControllerAsync(async () =>
        {
            var storage = cluster.Nodes[0].Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
            var controller = GrainId.Create("granary.controller", IControllerGrain.Key);
            var index = new TestGrainState<ControllerState>();
            await storage.ReadStateAsync("controller", controller, index);
            foreach (var id in new[] { started, neverStarted })
            {
                index.State.Workflows[id] = new WorkflowInfo { WorkflowId = id, State = WorkflowState.Starting, StartedAt = DateTimeOffset.UtcNow, ComponentCount = 3 };
            }

            await storage.WriteStateAsync("controller", controller, index);
        });

        await cluster.WaitAsync(async () =>
        {
            var listed = await cluster.Client.Workflows.ListAsync();
            return listed.Count == 1 && listed[0].WorkflowId == started && listed[0].State == WorkflowState.Active;
        });

        // The restarted orchestrator lost the deployment, so the controller redeploys it there, as after any restart.
        await cluster.WaitAsync(async () => await cluster.Client.Workflows.InspectAsync(started) is { } d && d.Components.All(c => c.Instances.Count == 1));
        var reply = await cluster.Client.Functions.InvokeAsync(started, "first", "still"u8.ToArray(), call: true);
        Assert.Equal("echo:still", reply!.Text);
        Assert.Null(await cluster.Client.Workflows.InspectAsync(neverStarted));
    }

    [Fact]
    public async Task The_workflows_of_a_lost_domain_become_orphans_and_are_redeployed_on_a_fitting_domain()
    {
        await using var cluster = await ControllerCluster.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var onA = await cluster.Client.Workflows.StartAsync(EchoChain(key + "a", Path.Combine(Path.GetTempPath(), key + "a.log")));
        var nodeB = await cluster.StartNodeAsync("domain-b", "node-b");
        await cluster.WaitForStableDomainAsync("domain-b", 1);
        var onB = await cluster.Client.Workflows.StartAsync(EchoChain(key + "b", Path.Combine(Path.GetTempPath(), key + "b.log")));
        Assert.Equal("domain-b", (await cluster.Client.Workflows.InspectAsync(onB))!.Workflow.DomainId);

        await cluster.Cluster.KillSiloAsync(nodeB);

        await cluster.WaitAsync(async () => !(await cluster.Client.Domains.ListAsync()).Any(d => d.DomainId == "domain-b"));
        await cluster.WaitAsync(async () =>
            await cluster.Client.Workflows.InspectAsync(onB) is { } d && d.Workflow.DomainId == ControllerCluster.Domain && d.Components.All(c => c.Instances.Count == 1));
        var reply = await cluster.Client.Functions.InvokeAsync(onB, "second", "moved"u8.ToArray(), call: true);
        Assert.Equal("echo:moved", reply!.Text);
        Assert.Equal(ControllerCluster.Domain, (await cluster.Client.Workflows.InspectAsync(onA))!.Workflow.DomainId);
    }

    [Fact]
    public async Task An_orphan_waits_for_a_fitting_domain_and_is_redeployed_when_one_registers()
    {
        await using var cluster = await ControllerCluster.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var id = await cluster.Client.Workflows.StartAsync(EchoChain(key, Path.Combine(Path.GetTempPath(), key + ".log")));

        foreach (var node in cluster.Nodes)
        {
            await cluster.Cluster.KillSiloAsync(node);
        }

        await cluster.WaitAsync(async () => (await cluster.Client.Workflows.ListAsync()).Single().State == WorkflowState.Orphan);
        var orphan = await cluster.Client.Workflows.InspectAsync(id);
        Assert.Null(orphan!.Workflow.DomainId);
        Assert.All(orphan.Components, c => Assert.Empty(c.Instances));

        await cluster.StartNodeAsync("domain-c", "node-c");

        await cluster.WaitAsync(async () =>
            await cluster.Client.Workflows.InspectAsync(id) is { } d && d.Workflow.DomainId == "domain-c" && d.Components.All(c => c.Instances.Count == 1));
        var reply = await cluster.Client.Functions.InvokeAsync(id, "first", "home"u8.ToArray(), call: true);
        Assert.Equal("echo:home", reply!.Text);
    }
}
