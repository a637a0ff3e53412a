using Orleans.Streams;
using Granary.Grains.Events;
using System.Collections.Concurrent;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Platform.Tests;

/// <summary>A TestCluster with one orchestrator silo and several node silos of one domain.</summary>
public sealed class PlatformCluster : IAsyncDisposable
{
    public const string Domain = "test-domain";

    private PlatformCluster(TestCluster cluster, List<TestSilo> nodes, RecordingLoggerProvider logs)
    {
        Cluster = cluster;
        Nodes = nodes;
        Logs = logs;
    }

    /// <summary>Every log entry of every silo of the cluster.</summary>
    public RecordingLoggerProvider Logs { get; }

    public TestCluster Cluster { get; }

    public List<TestSilo> Nodes { get; }

    public IDomainGrain DomainGrain => Cluster.Client.GetGrain<IDomainGrain>(Domain);

    public static readonly TimeSpan KeepAlive = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Starts one orchestrator silo (with <paramref name="orchestrator"/> applied, e.g. a proxy) and
    /// <paramref name="nodes"/> node silos named node-0, node-1, ... (node i reports num_cpus = i + 1 and collects
    /// performance samples). <paramref name="configureSilo"/> adds to every silo (stream providers, say),
    /// <paramref name="configureNode"/> to every node silo.
    /// </summary>
    public static async Task<PlatformCluster> StartAsync(
        int nodes,
        PlacementPolicy strategy = PlacementPolicy.RoundRobin,
        int? seed = null,
        Action<ISiloBuilder>? orchestrator = null,
        Action<ISiloBuilder>? configureSilo = null,
        Action<ISiloBuilder>? configureNode = null)
    {
        // Only the first silo is an orchestrator (ConfigureSilo runs for every silo, nodes included).
        var orchestratorConfigured = false;
        var logs = new RecordingLoggerProvider();
        var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s =>
            {
                configureSilo?.Invoke(s);
                if (!orchestratorConfigured)
                {
                    orchestratorConfigured = true;
                    s.AddGranaryOrchestrator(d =>
                    {
                        d.Strategy = strategy;
                        d.KeepAliveInterval = KeepAlive;
                        d.RandomSeed = seed;
                    });
                    orchestrator?.Invoke(s);
                }

                s.Services.AddSingleton<ILoggerProvider>(logs);
            },
        });
        var list = new List<TestSilo>();
        for (var i = 0; i < nodes; i++)
        {
            var index = i;
            list.Add(await cluster.StartSiloAsync(configureSilo: s =>
            {
                s.AddGranaryNode(n =>
                    {
                        n.DomainId = Domain;
                        n.Name = $"node-{index}";
                        n.RefreshInterval = TimeSpan.FromMilliseconds(500);
                        n.NumCpus = index + 1;
                        n.Labels = [$"index={index}"];
                        n.CallTimeout = TimeSpan.FromSeconds(1);
                        n.PerformanceSamples = true;
                    })
                    .AddDotnetFunctions()
                    .AddFileLogResource();
                configureNode?.Invoke(s);
            }));
        }

        var platform = new PlatformCluster(cluster, list, logs);
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Nodes.Count == nodes);
        return platform;
    }

    public static FunctionSpec Function<T>(string name, string initPayload, Dictionary<string, string>? outputs = null, Dictionary<string, string>? annotations = null)
    {
        var all = new Dictionary<string, string>(annotations ?? []) { ["init-payload"] = initPayload };
        return new FunctionSpec(name, new FunctionClassSpecification(typeof(T).FullName!, FunctionType.Dotnet, "1.0", typeof(T).Assembly.Location))
        {
            OutputMapping = outputs ?? [],
            Annotations = all,
        };
    }

    /// <summary>
    /// A pulse source (on <paramref name="sourceNodes"/> when given) feeding a counter with global state (on one of
    /// <paramref name="counterNodes"/> when given). Both report under <paramref name="key"/> (see <see cref="Observed"/>).
    /// </summary>
    public static WorkflowSpec GlobalCounter(string key, string? sourceNodes = null, string? counterNodes = null)
    {
        var source = sourceNodes is null ? null : new Dictionary<string, string> { ["node_id_match_any"] = sourceNodes };
        var counter = new Dictionary<string, string> { ["state_policy"] = "global" };
        if (counterNodes is not null)
        {
            counter["node_id_match_any"] = counterNodes;
        }

        return new WorkflowSpec
        {
            Functions =
            [
                Function<PulseFunction>("source", $"role=source,key={key}", new() { ["out"] = "counter" }, source),
                Function<CounterFunction>("counter", $"key={key}", null, counter),
            ],
        };
    }

    public async Task WaitAsync(Func<Task<bool>> condition, int timeoutMs = 15_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Condition not met in time.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Collects every event published on the domain's platform stream from now on, in the order received.</summary>
    public async Task<ConcurrentQueue<PlatformEvent>> SubscribeToDomainEventsAsync()
    {
        var received = new ConcurrentQueue<PlatformEvent>();
        await Cluster.Client.GetStreamProvider(PlatformStreams.DefaultProvider)
            .GetStream<PlatformEvent>(StreamId.Create(PlatformStreams.Namespace, Domain))
            .SubscribeAsync((item, _) =>
            {
                received.Enqueue(item);
                return Task.CompletedTask;
            });
        return received;
    }

    /// <summary>The node silo whose node has id <paramref name="nodeId"/>.</summary>
    public TestSilo NodeSilo(Guid nodeId) => Nodes.Single(n => n.Name == nodeId.ToString("D"));

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
