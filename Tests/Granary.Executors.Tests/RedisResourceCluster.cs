using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Runtime.Hosting;
using Granary.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Tests;

/// <summary>
/// A TestCluster for the Redis-backed resources: an orchestrator silo that, given a proxy URL, also hosts the
/// runtime-less metrics-collector node (as the silo host does with Granary:Proxy:Url), and node silos offering the
/// .NET runtime and the redis resource. Every silo logs into <see cref="Logs"/>.
/// </summary>
public sealed class RedisResourceCluster : IAsyncDisposable
{
    public const string Domain = "redis-domain";

    private RedisResourceCluster(TestCluster cluster, RecordingLoggerProvider logs, Guid? metricsNode)
    {
        Cluster = cluster;
        Logs = logs;
        MetricsNode = metricsNode;
    }

    public TestCluster Cluster { get; }

    public RecordingLoggerProvider Logs { get; }

    /// <summary>The node id of the orchestrator's runtime-less node, when a proxy URL was given.</summary>
    public Guid? MetricsNode { get; }

    public IDomainGrain DomainGrain => Cluster.Client.GetGrain<IDomainGrain>(Domain);

    public static async Task<RedisResourceCluster> StartAsync(int nodes, string? proxyUrl = null)
    {
        var logs = new RecordingLoggerProvider();
        Guid? metricsNode = proxyUrl is null ? null : Guid.NewGuid();
        var orchestratorStarted = false;
        var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s =>
            {
                // Runs for every silo: only the first is the orchestrator (and its runtime-less node).
                if (!orchestratorStarted)
                {
                    orchestratorStarted = true;
                    s.AddGranaryOrchestrator(d => d.KeepAliveInterval = ExecutorCluster.KeepAlive);
                    if (proxyUrl is not null)
                    {
                        s.AddMetricsCollectorNode(proxyUrl, n =>
                        {
                            n.NodeId = metricsNode!.Value;
                            n.DomainId = Domain;
                            n.Name = "orchestrator";
                            n.RefreshInterval = ExecutorCluster.KeepAlive;
                        });
                    }
                }

                s.Services.AddSingleton<ILoggerProvider>(logs);
            },
        });
        for (var i = 0; i < nodes; i++)
        {
            var index = i;
            await cluster.StartSiloAsync(configureSilo: s => s
                .AddGranaryNode(n =>
                {
                    n.DomainId = Domain;
                    n.Name = $"node-{index}";
                    n.RefreshInterval = ExecutorCluster.KeepAlive;
                })
                .AddDotnetFunctions()
                .AddRedisResource());
        }

        var platform = new RedisResourceCluster(cluster, logs, metricsNode);
        var expected = nodes + (proxyUrl is null ? 0 : 1);
        await Eventually.HoldsAsync(async () => (await platform.DomainGrain.Inspect()).Nodes.Count == expected);
        return platform;
    }

    /// <summary>A DOTNET function running class <typeparamref name="T"/> of this test assembly.</summary>
    public static FunctionSpec Function<T>(string name, string initPayload, Dictionary<string, string>? outputs = null) =>
        new(name, new FunctionClassSpecification(typeof(T).FullName!, FunctionType.Dotnet, "1.0", typeof(T).Assembly.Location))
        {
            OutputMapping = outputs ?? [],
            Annotations = new Dictionary<string, string> { ["init-payload"] = initPayload },
        };

    /// <summary>The single running instance of logical function <paramref name="id"/>, waiting for it to be placed.</summary>
    public async Task<InstanceId> InstanceOfAsync(LogicalFunctionId id)
    {
        InstanceId found = default;
        await Eventually.HoldsAsync(async () =>
        {
            var status = await DomainGrain.Inspect();
            if (status.Instances.TryGetValue(id, out var instances) && instances.Length == 1)
            {
                found = instances[0];
                return true;
            }

            return false;
        });
        return found;
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
