using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;

namespace Granary.Client.Tests;

/// <summary>
/// A TestCluster with an orchestrator silo, a controller silo and two node silos of one domain (each offering DOTNET
/// and file-log), plus a <see cref="GranaryClient"/> over the test cluster's client.
/// </summary>
public sealed class ControllerCluster : IAsyncDisposable
{
    public const string Domain = "client-domain";

    public static readonly TimeSpan KeepAlive = TimeSpan.FromMilliseconds(500);

    private ControllerCluster(TestCluster cluster, TestSilo controller, List<TestSilo> nodes)
    {
        Cluster = cluster;
        ControllerSilo = controller;
        Nodes = nodes;
        Client = GranaryClient.FromGrainFactory(cluster.Client);
    }

    public TestCluster Cluster { get; }

    public TestSilo ControllerSilo { get; private set; }

    public List<TestSilo> Nodes { get; }

    public GranaryClient Client { get; }

    public string ClusterId => Cluster.ClusterId;

    public static async Task<ControllerCluster> StartAsync(int nodes = 2)
    {
        // TestClusterOptions.ConfigureSilo applies to every silo: only the first (initial) silo is the orchestrator. The
        // controller has a silo of its own, so that it can be killed and restarted while the domain carries on.
        var initial = true;
        var options = new TestClusterOptions { InitialSilosCount = 1 };
        options.ConfigureSilo = s =>
        {
            if (initial)
            {
                initial = false;
                ConfigureOrchestrator(s);
            }
        };
        var cluster = await TestCluster.StartAsync(options);
        var controller = await cluster.StartSiloAsync(configureSilo: ConfigureController);
        var list = new List<TestSilo>();
        for (var i = 0; i < nodes; i++)
        {
            list.Add(await StartNodeAsync(cluster, Domain, $"node-{i}"));
        }

        var platform = new ControllerCluster(cluster, controller, list);
        await platform.WaitForStableDomainAsync(Domain, nodes);
        return platform;
    }

    /// <summary>
    /// Waits until the controller lists <paramref name="domain"/> with <paramref name="nodes"/> nodes and has for a while: a
    /// cold domain may drop its nodes once while its first keep-alive probes activate the node grains (the probes time
    /// out, the nodes re-register at once).
    /// </summary>
    public async Task WaitForStableDomainAsync(string domain, int nodes)
    {
        await WaitAsync(async () => (await Client.Domains.ListAsync()).Any(d => d.DomainId == domain && d.NodeCount == nodes));
        var stableSince = Environment.TickCount64;
        await WaitAsync(async () =>
        {
            if (!(await Client.Domains.ListAsync()).Any(d => d.DomainId == domain && d.NodeCount == nodes))
            {
                stableSince = Environment.TickCount64;
            }

            return Environment.TickCount64 - stableSince > 4 * KeepAlive.TotalMilliseconds;
        });
    }

    /// <summary>Starts another node silo (DOTNET and file-log) registering with <paramref name="domain"/>.</summary>
    public Task<TestSilo> StartNodeAsync(string domain, string name) => StartNodeAsync(Cluster, domain, name);

    private static Task<TestSilo> StartNodeAsync(TestCluster cluster, string domain, string name) =>
        cluster.StartSiloAsync(configureSilo: s => s
            .AddGranaryNode(n =>
            {
                n.DomainId = domain;
                n.Name = name;
                n.RefreshInterval = KeepAlive;
                n.Labels = [$"name={name}"];
            })
            .AddDotnetFunctions()
            .AddFileLogResource());

    private static void ConfigureController(ISiloBuilder silo) => silo
        .AddGranaryController(c =>
        {
            c.KeepAliveInterval = KeepAlive;
            c.DomainGracePeriod = TimeSpan.FromSeconds(3);
        });

    private static void ConfigureOrchestrator(ISiloBuilder silo) => silo
        .AddGranaryOrchestrator(d =>
        {
            d.Strategy = Grains.Platform.PlacementPolicy.RoundRobin;
            d.KeepAliveInterval = KeepAlive;
        });

    /// <summary>Kills the controller silo abruptly and starts a new controller silo; the client goes on through the survivors.</summary>
    /// <remarks><paramref name="whileDown"/> runs between the kill and the start (to change what the controller will read).</remarks>
    public async Task RestartControllerAsync(Func<Task>? whileDown = null)
    {
        await Cluster.KillSiloAsync(ControllerSilo);
        if (whileDown is not null)
        {
            await whileDown();
        }

        ControllerSilo = await Cluster.StartSiloAsync(configureSilo: ConfigureController);
        await Cluster.WaitForLivenessToStabilizeAsync();
    }

    /// <summary>
    /// Runs the <c>granary</c> command line against this cluster. Its silos talk in memory (Orleans'
    /// InProcessTestCluster), so the command line is handed the cluster's own client instead of dialling gateways
    /// (<see cref="EndToEndProcessTests"/> dial real ones); the connection options it parsed must name this cluster.
    /// </summary>
    public Task<int> RunCliAsync(string[] args, TextWriter output, TextWriter error) =>
        Granary.Cli.GranaryCli.RunAsync([.. args, "--cluster-id", ClusterId, "--service-id", Cluster.ServiceId], output, error, (options, _) =>
        {
            Assert.Equal(ClusterId, options.ClusterId);
            Assert.Equal(Cluster.ServiceId, options.ServiceId);
            return Task.FromResult(GranaryClient.FromGrainFactory(Cluster.Client));
        });

    /// <summary>A DOTNET function whose code is this test assembly.</summary>
    public static FunctionSpec Function<T>(string name, string initPayload, Dictionary<string, string>? outputs = null) =>
        new(name, new FunctionClassSpecification(typeof(T).FullName!, FunctionType.Dotnet, "1.0", typeof(T).Assembly.Location))
        {
            OutputMapping = outputs ?? [],
            Annotations = new Dictionary<string, string> { ["init-payload"] = initPayload },
        };

    /// <summary>
    /// Polls <paramref name="condition"/> every 50 ms; calls failing while the cluster settles count as "not yet" (among
    /// them a restarted controller silo whose role the other silos' manifests do not show yet).
    /// </summary>
    public async Task WaitAsync(Func<Task<bool>> condition, int timeoutMs = 15_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or RoleUnavailableException)
            {
                last = ex;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Condition not met in time." + (last is null ? string.Empty : " Last error: " + last.Message));
            }

            await Task.Delay(50);
        }
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
