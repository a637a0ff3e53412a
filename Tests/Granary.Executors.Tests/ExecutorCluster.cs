using Granary.Executors.Wasm;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Tests;

/// <summary>
/// A TestCluster with one orchestrator silo and node silos of one domain offering the WebAssembly runtime, the .NET
/// runtime and the file-log resource (after the platform tests' PlatformCluster), plus whatever <c>node</c> adds (the
/// container runtime, for instance). Every silo logs into <see cref="Logs"/>.
/// </summary>
public sealed class ExecutorCluster : IAsyncDisposable
{
    public const string Domain = "test-domain";

    /// <summary>
    /// Node refresh and orchestrator keep-alive period. Longer than the platform tests' 500 ms: compiling modules on a
    /// cold two-core machine can delay a refresh enough for a healthy node to be declared lost.
    /// </summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(1);

    private ExecutorCluster(TestCluster cluster, List<TestSilo> nodes, RecordingLoggerProvider logs)
    {
        Cluster = cluster;
        Nodes = nodes;
        Logs = logs;
    }

    public TestCluster Cluster { get; }

    public List<TestSilo> Nodes { get; }

    public RecordingLoggerProvider Logs { get; }

    public IDomainGrain DomainGrain => Cluster.Client.GetGrain<IDomainGrain>(Domain);

    /// <summary>
    /// Starts the orchestrator and <paramref name="nodes"/> node silos; <paramref name="node"/> adds to every node silo,
    /// <paramref name="orchestrator"/> to the orchestrator silo (a runtime-less node of its own, say: count it in
    /// <paramref name="orchestratorNodes"/> so the start waits for every node to register).
    /// </summary>
    public static async Task<ExecutorCluster> StartAsync(
        int nodes,
        Action<WasmExecutorOptions>? wasm = null,
        Action<ISiloBuilder>? node = null,
        Action<ISiloBuilder>? orchestrator = null,
        int orchestratorNodes = 0)
    {
        var logs = new RecordingLoggerProvider();
        var orchestratorStarted = false;
        var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s =>
            {
                // ConfigureSilo runs for every silo: only the first one is the orchestrator, so the domain grain can
                // never be placed on a node silo that a test kills.
                if (!orchestratorStarted)
                {
                    orchestratorStarted = true;
                    s.AddGranaryOrchestrator(d => d.KeepAliveInterval = KeepAlive);
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
                        n.RefreshInterval = KeepAlive;
                    })
                    .AddWasmFunctions(wasm)
                    .AddDotnetFunctions()
                    .AddFileLogResource();
                node?.Invoke(s);
            }));
        }

        var platform = new ExecutorCluster(cluster, list, logs);
        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Nodes.Count == nodes + orchestratorNodes);
        return platform;
    }

    /// <summary>A RUST_WASM function running <paramref name="wasmPath"/>.</summary>
    public static FunctionSpec WasmFunction(string name, string wasmPath, string initPayload, Dictionary<string, string>? outputs = null, Dictionary<string, string>? annotations = null)
    {
        var all = new Dictionary<string, string>(annotations ?? []) { ["init-payload"] = initPayload };
        return new FunctionSpec(name, new FunctionClassSpecification(Path.GetFileNameWithoutExtension(wasmPath), FunctionType.RustWasm, "1.0", wasmPath))
        {
            OutputMapping = outputs ?? [],
            Annotations = all,
        };
    }

    /// <summary>A CONTAINER function running <paramref name="code"/> (<c>container:IMAGE:TAG</c>).</summary>
    public static FunctionSpec ContainerFunction(string name, string code, string initPayload = "", Dictionary<string, string>? outputs = null, Dictionary<string, string>? annotations = null) =>
        new(name, new FunctionClassSpecification(name, FunctionType.Container, "1.0", code))
        {
            OutputMapping = outputs ?? [],
            Annotations = new Dictionary<string, string>(annotations ?? []) { ["init-payload"] = initPayload },
        };

    /// <summary>A DOTNET function running class <typeparamref name="T"/> of this test assembly.</summary>
    public static FunctionSpec DotnetFunction<T>(string name, string initPayload, Dictionary<string, string>? outputs = null)
    {
        return new FunctionSpec(name, new FunctionClassSpecification(typeof(T).FullName!, FunctionType.Dotnet, "1.0", typeof(T).Assembly.Location))
        {
            OutputMapping = outputs ?? [],
            Annotations = new Dictionary<string, string> { ["init-payload"] = initPayload },
        };
    }

    /// <summary>The single running instance of logical function <paramref name="id"/>, waiting for it to be placed.</summary>
    public async Task<InstanceId> InstanceOfAsync(LogicalFunctionId id, Func<InstanceId, bool>? accept = null)
    {
        InstanceId found = default;
        await WaitAsync(async () =>
        {
            var status = await DomainGrain.Inspect();
            if (status.Instances.TryGetValue(id, out var instances) && instances.Length == 1 && (accept?.Invoke(instances[0]) ?? true))
            {
                found = instances[0];
                return true;
            }

            return false;
        });
        return found;
    }

    public INodeGrain NodeOf(InstanceId instance) => Cluster.Client.GetGrain<INodeGrain>(instance.NodeId.ToString("D"));

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. A silo-unavailable failure counts as "not yet": right after a
    /// node silo is killed, calls through the cluster may still be routed to it for a moment.
    /// </summary>
    public async Task WaitAsync(Func<Task<bool>> condition, int timeoutMs = 20_000)
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
            catch (SiloUnavailableException ex)
            {
                last = ex;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Condition not met in time.", last);
            }

            await Task.Delay(50);
        }
    }

    public Task WaitAsync(Func<bool> condition, int timeoutMs = 20_000) => WaitAsync(() => Task.FromResult(condition()), timeoutMs);

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
