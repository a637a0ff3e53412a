using System.Diagnostics;
using System.Text;
using Granary.Grains.Controller;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;

namespace Granary.Benchmarks.Suites;

/// <summary>
/// A .NET function that measures cast latency: the "probe" role casts a timestamp to "out" and waits for it to come
/// back; the "echo" role sends every event back to where it came from; "relay" passes events on and "count" counts.
/// </summary>
public sealed class BenchFunction : GranaryFunction
{
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Returned = new();
    internal static long Counted;
    private string _role = "relay";
    private string _key = string.Empty;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        var settings = InitPayload.Parse(initPayload);
        _role = settings["role"];
        _key = settings.GetValueOrDefault("key", string.Empty);
        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        switch (_role)
        {
            case "echo":
                Context.CastRaw(source, message);
                break;
            case "relay":
                Context.Cast("out", message);
                break;
            case "count":
                Interlocked.Increment(ref Counted);
                break;
            default:
                // The probe: an event injected by the benchmark (source = itself) goes out; the echo's reply completes the round.
                if (source == Context.Self)
                {
                    Context.Cast("out", message);
                }
                else if (Returned.TryRemove(_key, out var done))
                {
                    done.TrySetResult();
                }

                break;
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Platform figures on a TestCluster domain: time to start a 3-function workflow through the controller, cast latency
/// between two functions on one node and across two node silos (yardstick: the runtime's raw cross-silo grain call in
/// the same run), and events per second through a 3-function chain.
/// </summary>
public sealed class PlatformSuite : IBenchmarkSuite
{
    public string Name => "platform";

    public async Task RunAsync(string[] args, BenchReport report, CancellationToken cancellationToken)
    {
        // First, before any silo runs in this process; `platform --placement-only` stops there (for work on the scheduler).
        report.Note("one E-PVM placement decision among 1,000 nodes...");
        PlacementDecisionBenchmark.Run(report);
        if (args.Contains("--placement-only", StringComparer.Ordinal))
        {
            return;
        }

        // ConfigureSilo runs for every silo: only the first is the controller and orchestrator, node silos are only nodes.
        var first = true;
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s =>
            {
                if (first)
                {
                    first = false;
                    s.AddGranaryController().AddGranaryOrchestrator(d =>
                    {
                        d.Strategy = PlacementPolicy.RoundRobin;
                        d.KeepAliveInterval = RefreshInterval;
                    });
                }
            },
        });
        var nodes = new List<TestSilo>();
        for (var i = 0; i < 2; i++)
        {
            nodes.Add(await StartNodeAsync(cluster));
        }

        var domain = cluster.Client.GetGrain<IDomainGrain>("bench");
        while ((await domain.Inspect()).Nodes.Count < 2)
        {
            await Task.Delay(50, cancellationToken);
        }

        // Workflow start as a client does it: the controller admits the workflow, its workflow grain deploys it on the
        // domain, which starts every instance before answering.
        var controller = cluster.Client.GetGrain<IControllerGrain>(IControllerGrain.Key);
        while (!(await controller.ListDomains()).Any(d => d.DomainId == "bench" && d.NodeCount == 2))
        {
            await Task.Delay(50, cancellationToken);
        }

        report.Note("workflow start...");
        var starts = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var spec = Chain($"start{i}", "count");
            var started = Stopwatch.GetTimestamp();
            var id = await controller.StartWorkflow(spec);
            starts.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await controller.StopWorkflow(id);
        }

        report.Lower("workflow_start_chain3_ms", Stats.Median(starts), "ms");

        report.Note("runtime cross-silo call yardstick...");
        var remoteGrain = nodes[0].GrainFactory.GetGrain<IBenchEchoGrain>(nodes[1].Name);
        var payload = new byte[64];
        var yardstick = await LatencyUsAsync(() => remoteGrain.Echo(payload), 20_000, cancellationToken);

        report.Note("cast latency on one node...");
        var sameNode = await CastLatencyUsAsync(domain, nodes, sameNode: true, cancellationToken);
        report.Lower("cast_same_node_us", sameNode, "us");

        report.Note("cast latency across node silos...");
        var crossNode = await CastLatencyUsAsync(domain, nodes, sameNode: false, cancellationToken);
        report.Lower("cast_cross_node_us", crossNode, "us", yardstick);

        report.Note("events through a 3-function chain...");
        var rate = await ChainThroughputAsync(domain, nodes, cancellationToken);
        report.Higher("chain3_events_per_s", rate, "events/s");

        // The dashboard's cost: the same chain while a client follows every live page (as a browser would), against a
        // run without it just before or after. Each pair gives a relative drop; the median over pairs is reported, so
        // that load from elsewhere, which changes slowly, affects both runs of a pair alike.
        report.Note("events through the chain while the live pages are followed...");
        var drops = new List<double>();
        var pairs = new List<string>();
        long messages;
        await using (var dashboard = await DashboardFollower.StartAsync(cluster.Client, TimeSpan.FromSeconds(1)))
        {
            // Unmeasured first: the chain's code reaches its optimised tier, and the server, pages and feeds warm up.
            for (var i = 0; i < 6; i++)
            {
                await using (await dashboard.FollowAsync())
                {
                    await ChainThroughputAsync(domain, nodes, cancellationToken);
                }

                await ChainThroughputAsync(domain, nodes, cancellationToken);
            }

            // Pairs in both orders, so that whatever favours the first or second run of a pair cancels out.
            for (var i = 0; i < 8; i++)
            {
                var without = 0.0;
                if (i % 2 == 0)
                {
                    without = await ChainThroughputAsync(domain, nodes, cancellationToken);
                }

                double with;
                await using (await dashboard.FollowAsync())
                {
                    await Task.Delay(1500, cancellationToken);
                    with = await ChainThroughputAsync(domain, nodes, cancellationToken);
                }

                if (i % 2 == 1)
                {
                    without = await ChainThroughputAsync(domain, nodes, cancellationToken);
                }

                drops.Add((without - with) / without * 100);
                pairs.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{without:F0}/{with:F0}"));
            }

            messages = dashboard.Messages;
        }

        report.Note($"followed: {messages} live messages; events/s without/with the follower: {string.Join(", ", pairs)}");
        // Negative when the runs with the follower happened to be faster: noise, shown as measured.
        report.Lower("dashboard_overhead_pct", Stats.Median(drops), "%");

        report.Note("relocation after a node silo is killed...");
        var relocations = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            relocations.Add(await RelocationMsAsync(cluster, domain, nodes, $"loss{i}", cancellationToken));
        }

        report.Lower("node_loss_relocation_ms", Stats.Median(relocations), "ms");
    }

    /// <summary>Nodes refresh, and the domain keeps alive, every second.</summary>
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private static Task<TestSilo> StartNodeAsync(TestCluster cluster) =>
        cluster.StartSiloAsync(configureSilo: s => s.AddGranaryNode(n =>
        {
            n.DomainId = "bench";
            n.RefreshInterval = RefreshInterval;
        }).AddDotnetFunctions());

    /// <summary>
    /// A 3-function chain placed on a node silo of its own (the other nodes cordoned while it is deployed), that silo
    /// killed: the time from the kill until every function runs on another node again.
    /// </summary>
    private static async Task<double> RelocationMsAsync(TestCluster cluster, IDomainGrain domain, List<TestSilo> nodes, string key, CancellationToken cancellationToken)
    {
        var victim = await StartNodeAsync(cluster);
        var victimId = Guid.Parse(victim.Name);
        while (!(await domain.Inspect()).Nodes.Contains(victimId))
        {
            await Task.Delay(20, cancellationToken);
        }

        foreach (var node in nodes)
        {
            await domain.Cordon(Guid.Parse(node.Name), cordoned: true);
        }

        var functions = await domain.DeployWorkflow(key, Chain(key, "count"));
        foreach (var node in nodes)
        {
            await domain.Cordon(Guid.Parse(node.Name), cordoned: false);
        }

        var killed = Stopwatch.GetTimestamp();
        await cluster.KillSiloAsync(victim);
        while (true)
        {
            var status = await domain.Inspect();
            if (functions.Values.All(lid => status.Instances.TryGetValue(lid, out var running) && running.Length > 0 && running.All(i => i.NodeId != victimId)))
            {
                break;
            }

            await Task.Delay(5, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
        await domain.StopWorkflow(key);
        return elapsed;
    }

    private static WorkflowSpec Chain(string key, string lastRole) => new()
    {
        Functions =
        [
            Function("a", $"role=relay,key={key}", new() { ["out"] = "b" }),
            Function("b", $"role=relay,key={key}", new() { ["out"] = "c" }),
            Function("c", $"role={lastRole},key={key}", null),
        ],
    };

    private static FunctionSpec Function(string name, string initPayload, Dictionary<string, string>? outputs, string? node = null)
    {
        var annotations = new Dictionary<string, string> { ["init-payload"] = initPayload };
        if (node is not null)
        {
            annotations["node_id_match_any"] = node;
        }

        return new FunctionSpec(name, new FunctionClassSpecification(typeof(BenchFunction).FullName!, FunctionType.Dotnet, "1", typeof(BenchFunction).Assembly.Location))
        {
            OutputMapping = outputs ?? [],
            Annotations = annotations,
        };
    }

    /// <summary>Median round trip probe → echo → probe, halved: one cast's latency.</summary>
    private static async Task<double> CastLatencyUsAsync(IDomainGrain domain, List<TestSilo> nodes, bool sameNode, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        var probeNode = nodes[0].Name;
        var echoNode = sameNode ? nodes[0].Name : nodes[1].Name;
        var spec = new WorkflowSpec
        {
            Functions =
            [
                Function("probe", $"role=probe,key={key}", new() { ["out"] = "echo" }, probeNode),
                Function("echo", $"role=echo,key={key}", null, echoNode),
            ],
        };
        var ids = await domain.DeployWorkflow("latency-" + key, spec);
        var probe = (await domain.Inspect()).Instances[ids["probe"]][0];
        var runtime = (Granary.Grains.Nodes.NodeRuntime)nodes[0].Services.GetService(typeof(Granary.Grains.Nodes.NodeRuntime))!;
        var message = Encoding.UTF8.GetBytes("ping");
        var result = await LatencyUsAsync(async () =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            BenchFunction.Returned[key] = done;
            runtime.Cast(probe, probe, message);
            await done.Task;
            return 0;
        }, 20_000, cancellationToken);
        await domain.StopWorkflow("latency-" + key);

        // The measured loop is inject → probe casts to echo → echo casts back: two casts (plus the injection).
        return result / 2;
    }

    private static async Task<double> ChainThroughputAsync(IDomainGrain domain, List<TestSilo> nodes, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        var ids = await domain.DeployWorkflow("throughput", Chain(key, "count"));
        var first = (await domain.Inspect()).Instances[ids["a"]][0];
        var runtime = nodes.Single(n => n.Name == first.NodeId.ToString("D")).Services.GetService(typeof(Granary.Grains.Nodes.NodeRuntime)) as Granary.Grains.Nodes.NodeRuntime;
        var payload = new byte[64];
        Interlocked.Exchange(ref BenchFunction.Counted, 0);
        const int events = 300_000;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            runtime!.Cast(first, first, payload);
        }

        while (Interlocked.Read(ref BenchFunction.Counted) < events && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(5, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await domain.StopWorkflow("throughput");
        return events / elapsed;
    }

    private static async Task<double> LatencyUsAsync<T>(Func<Task<T>> call, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count / 4; i++)
        {
            await call();
        }

        var samples = new double[count];
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        return Stats.Median(samples);
    }
}
