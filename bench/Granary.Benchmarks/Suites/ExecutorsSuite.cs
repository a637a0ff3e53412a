using System.Diagnostics;
using System.Runtime.CompilerServices;
using Docker.DotNet.Models;
using Granary.Executors.Container;
using Granary.Executors.Dotnet;
using Granary.Executors.Wasm;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Granary.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Granary.Benchmarks.Suites;

/// <summary>
/// The <c>executors</c> suite: the WebAssembly executor against the .NET executor, measured side by side in one run.
/// <c>wasm_instance_start_us</c>: create and initialise an instance of the noop example (module already compiled) on
/// the executor; baseline <c>dotnet_instance_start_us</c>, the same for a no-op .NET function.
/// <c>wasm_cast_us</c>: one cast between instances on the same node, in a three-function ring of the relay example
/// (every cast passed on unchanged) running on a one-node TestCluster, measured as elapsed time over events handled;
/// baseline <c>dotnet_cast_us</c>, the same ring of the same relay written in C#; the two rings take turns, three
/// times each. Needs clang-14 (the examples are built by
/// examples/functions/build.sh).
/// <c>container_start_ms</c>: create and initialise an instance of the container-function template
/// (examples/functions/container, built by its build.sh with docker import) on the container executor, until its
/// server has answered /boot and /init; baseline <c>dotnet_instance_start_us</c> in ms. <c>container_cast_us</c>: one
/// cast in the same three-function ring made of the template function (sync off), baseline <c>dotnet_cast_us</c>.
/// Without a reachable dockerd both are printed with value null and a note on stderr.
/// </summary>
public sealed class ExecutorsSuite : IBenchmarkSuite
{
    /// <inheritdoc />
    public string Name => "executors";

    /// <inheritdoc />
    public async Task RunAsync(string[] args, BenchReport report, CancellationToken cancellationToken)
    {
        var examples = BuildExamples();
        var noop = Path.Combine(examples, "noop", "noop.wasm");
        var relay = Path.Combine(examples, "relay", "relay.wasm");

        var wasmStart = await MeasureStartAsync(Executor(), Deployment(noop, FunctionType.RustWasm, "noop"), cancellationToken);
        var dotnetStart = await MeasureStartAsync(
            new DotnetFunctionExecutor(), Deployment(typeof(RelayFunction).Assembly.Location, FunctionType.Dotnet, typeof(RelayFunction).FullName!), cancellationToken);
        report.Lower("dotnet_instance_start_us", dotnetStart, "us");
        report.Lower("wasm_instance_start_us", wasmStart, "us", dotnetStart);

        var runId = "bench" + Guid.NewGuid().ToString("N")[..12];
        var containerImage = PrepareContainerImage(report, runId);
        using var docker = containerImage is null ? null : new DockerEngine(DockerEngine.ResolveSocketPath(null, Environment.GetEnvironmentVariable("DOCKER_HOST")));
        if (docker is not null)
        {
            var executor = new ContainerFunctionExecutor(docker, Options.Create(ContainerOptions(runId)), NullLogger<ContainerFunctionExecutor>.Instance);
            await using (executor.ConfigureAwait(false))
            {
                var containerStart = await MeasureContainerStartAsync(executor, Deployment("container:" + containerImage, FunctionType.Container, "template"), cancellationToken);
                report.Lower("container_start_ms", containerStart, "ms", dotnetStart / 1000);
            }
        }

        // ConfigureSilo runs for every silo: only the first is the orchestrator, the node silo is only a node.
        var orchestrator = true;
        var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = s =>
            {
                if (orchestrator)
                {
                    orchestrator = false;
                    s.AddGranaryOrchestrator();
                }
            },
        });
        try
        {
            var node = await cluster.StartSiloAsync(configureSilo: s =>
            {
                s.AddGranaryNode(n => n.DomainId = "bench").AddWasmFunctions().AddDotnetFunctions();
                if (docker is not null)
                {
                    s.AddContainerFunctions(o => o.Labels[BenchLabel] = runId);
                }
            });
            var domain = cluster.Client.GetGrain<IDomainGrain>("bench");
            while ((await domain.Inspect()).Nodes.Count == 0)
            {
                await Task.Delay(50, cancellationToken);
            }

            var nodeGrain = cluster.Client.GetGrain<INodeGrain>(node.Name);
            // The two rings take turns, three times each, so that load from other processes on the machine drifting
            // during the run falls on both alike; each kind's figure is the median of all its windows.
            var dotnetWindows = new List<double>();
            var wasmWindows = new List<double>();
            for (var turn = 0; turn < 3; turn++)
            {
                dotnetWindows.AddRange(await MeasureRingAsync(domain, nodeGrain, $"dotnet-ring-{turn}", Ring(name => DotnetRelay(name)), report, cancellationToken, windows: 3));
                wasmWindows.AddRange(await MeasureRingAsync(domain, nodeGrain, $"wasm-ring-{turn}", Ring(name => WasmRelay(name, relay)), report, cancellationToken, windows: 3));
            }

            var dotnetCast = Stats.Median(dotnetWindows);
            var wasmCast = Stats.Median(wasmWindows);
            report.Lower("dotnet_cast_us", dotnetCast, "us");
            report.Lower("wasm_cast_us", wasmCast, "us", dotnetCast);
            if (docker is not null)
            {
                var containerCast = Stats.Median(await MeasureRingAsync(domain, nodeGrain, "container-ring", Ring(name => ContainerRelay(name, containerImage!)), report, cancellationToken, windowMs: 1500));
                report.Lower("container_cast_us", containerCast, "us", dotnetCast);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
            if (docker is not null)
            {
                await RemoveContainerLeftoversAsync(docker, runId, containerImage!, report);
            }
        }
    }

    private const string BenchLabel = "granary.bench";

    private static ContainerExecutorOptions ContainerOptions(string runId)
    {
        var options = new ContainerExecutorOptions();
        options.Labels[BenchLabel] = runId;
        return options;
    }

    /// <summary>
    /// Builds the container template image under a tag unique to the run; null (and both container metrics printed as
    /// null) when no Docker Engine answers or the image cannot be built.
    /// </summary>
    private static string? PrepareContainerImage(BenchReport report, string runId)
    {
        string? failure;
        string socketPath;
        try
        {
            socketPath = DockerEngine.ResolveSocketPath(null, Environment.GetEnvironmentVariable("DOCKER_HOST"));
        }
        catch (NotSupportedException e)
        {
            report.Note($"container metrics skipped: {e.Message}");
            return null;
        }

        if (DockerEngine.IsReachable(socketPath, TimeSpan.FromSeconds(2), out failure))
        {
            var image = $"granary-bench/busybox-function:{runId}";
            failure = RunTool("bash", Path.Combine(RepositoryRoot(), "examples", "functions", "container", "build.sh"), image);
            if (failure is null)
            {
                return image;
            }
        }

        report.Unmeasured("container_start_ms", "ms", $"no container functions: {failure}");
        report.Unmeasured("container_cast_us", "us", $"no container functions: {failure}");
        return null;
    }

    private static async Task<double> MeasureContainerStartAsync(ContainerFunctionExecutor executor, ComponentDeployment deployment, CancellationToken ct)
    {
        var samples = new List<double>();
        for (var round = 0; round < 12; round++)
        {
            var sw = Stopwatch.StartNew();
            var instance = await executor.CreateAsync(deployment, new NullContext(), ct);
            await instance.InitAsync("sync=false", null, ct);
            samples.Add(sw.Elapsed.TotalMilliseconds);
            await instance.StopAsync(ct);
            await instance.DisposeAsync();
        }

        return Stats.Median(samples.Skip(2).ToList());
    }

    private static FunctionSpec ContainerRelay(string name, string image) =>
        new(name, new FunctionClassSpecification("template", FunctionType.Container, "1", "container:" + image))
        {
            Annotations = new Dictionary<string, string> { ["init-payload"] = "is_client=false,sync=false" },
        };

    /// <summary>Removes any container of this run the executors left (there should be none) and the image.</summary>
    private static async Task RemoveContainerLeftoversAsync(DockerEngine engine, string runId, string image, BenchReport report)
    {
        var docker = await engine.GetClientAsync();
        var leftovers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{BenchLabel}={runId}"] = true } },
        });
        if (leftovers.Count > 0)
        {
            report.Note($"{leftovers.Count} container(s) of this run were left behind; removing them");
        }

        foreach (var container in leftovers)
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }

        if (RunTool("docker", "rmi", "--force", image) is { } failure)
        {
            report.Note($"removing {image} failed: {failure}");
        }
    }

    private static WasmFunctionExecutor Executor() =>
        new(new WasmEngine(), Options.Create(new WasmExecutorOptions()), NullLogger<WasmFunctionExecutor>.Instance);

    private static ComponentDeployment Deployment(string code, FunctionType type, string id) => new()
    {
        WorkflowId = "bench",
        LogicalId = LogicalFunctionId.New(),
        Function = new FunctionSpec(id, new FunctionClassSpecification(id, type, "1", code)),
    };

    private static async Task<double> MeasureStartAsync(IFunctionExecutor executor, ComponentDeployment deployment, CancellationToken ct)
    {
        const int perRound = 200;
        var samples = new List<double>();
        for (var round = 0; round < 7; round++)
        {
            var instances = new List<IFunctionInstance>(perRound);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < perRound; i++)
            {
                var instance = await executor.CreateAsync(deployment, new NullContext(), ct);
                await instance.InitAsync(null, null, ct);
                instances.Add(instance);
            }

            samples.Add(sw.Elapsed.TotalMicroseconds / perRound);
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }

        return Stats.Median(samples.Skip(2).ToList());
    }

    private static WorkflowSpec Ring(Func<string, FunctionSpec> relay)
    {
        FunctionSpec Wire(string name, string next, bool client)
        {
            var spec = relay(name);
            var annotations = new Dictionary<string, string>(spec.Annotations);
            if (client)
            {
                annotations["init-payload"] = annotations["init-payload"].Replace("is_client=false", "is_client=true", StringComparison.Ordinal);
            }

            return spec with { OutputMapping = new Dictionary<string, string> { ["out"] = next }, Annotations = annotations };
        }

        return new WorkflowSpec { Functions = [Wire("client", "f1", client: true), Wire("f1", "f2", client: false), Wire("f2", "client", client: false)] };
    }

    private static FunctionSpec DotnetRelay(string name) =>
        new(name, new FunctionClassSpecification(typeof(RelayFunction).FullName!, FunctionType.Dotnet, "1", typeof(RelayFunction).Assembly.Location))
        {
            Annotations = new Dictionary<string, string> { ["init-payload"] = "is_client=false" },
        };

    private static FunctionSpec WasmRelay(string name, string wasm) =>
        new(name, new FunctionClassSpecification("relay", FunctionType.RustWasm, "1", wasm))
        {
            Annotations = new Dictionary<string, string> { ["init-payload"] = "is_client=false" },
        };

    /// <summary>Runs the ring for a warm-up second, then measures wall time over the events its instances handled.</summary>
    private static async Task<List<double>> MeasureRingAsync(IDomainGrain domain, INodeGrain node, string workflow, WorkflowSpec spec, BenchReport report, CancellationToken ct, int windowMs = 600, int windows = 5)
    {
        await domain.DeployWorkflow(workflow, spec);
        try
        {
            await Task.Delay(1000, ct);
            var samples = new List<double>();
            for (var round = 0; round < windows; round++)
            {
                var before = await EventsAsync(node, workflow);
                var sw = Stopwatch.StartNew();
                await Task.Delay(windowMs, ct);
                var after = await EventsAsync(node, workflow);
                var elapsed = sw.Elapsed.TotalMicroseconds;
                if (after <= before)
                {
                    throw new InvalidOperationException($"{workflow}: no events handled in {elapsed / 1000:0} ms");
                }

                samples.Add(elapsed / (after - before));
            }

            report.Note($"{workflow}: {Stats.Median(samples):0.##} us per cast ({samples.Count} windows)");
            return samples;
        }
        finally
        {
            await domain.StopWorkflow(workflow);
        }
    }

    private static async Task<long> EventsAsync(INodeGrain node, string workflow) =>
        (await node.Instances()).Where(i => i.WorkflowId == workflow).Sum(i => i.Events);

    private static string BuildExamples()
    {
        var script = Path.Combine(RepositoryRoot(), "examples", "functions", "build.sh");
        var failure = RunTool("bash", script, "noop", "relay");
        return failure is null ? Path.GetDirectoryName(script)! : throw new InvalidOperationException($"{script} failed: {failure}");
    }

    /// <summary>Runs a tool to completion; null when it succeeded, else what it wrote on stderr.</summary>
    private static string? RunTool(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");

        // Its stdout is read and dropped: this process's stdout carries only the metrics' JSON lines.
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{file} exited with {process.ExitCode}: {stderr.Trim()}";
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        string? root = null;
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null && root is null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "examples", "functions", "build.sh")))
                {
                    root = dir.FullName;
                }
            }
        }

        return root ?? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
    }

    /// <summary>The .NET side of the cast ring: the client (is_client=true) starts the token; every member passes it on.</summary>
    public sealed class RelayFunction : GranaryFunction
    {
        /// <inheritdoc />
        protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
        {
            if (InitPayload.Parse(initPayload).GetValueOrDefault("is_client") == "true")
            {
                Context.Cast("out", new byte[4]);
            }

            return Task.CompletedTask;
        }

        /// <inheritdoc />
        public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            Context.Cast("out", message);
            return Task.CompletedTask;
        }
    }

    private sealed class NullContext : IFunctionContext
    {
        public InstanceId Self { get; } = InstanceId.NewOn(Guid.NewGuid());

        public void Cast(string alias, ReadOnlyMemory<byte> message)
        {
        }

        public void CastRaw(InstanceId target, ReadOnlyMemory<byte> message)
        {
        }

        public Task<CallResult> CallAsync(string alias, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) => Task.FromResult(CallResult.NoReply);

        public Task<CallResult> CallRawAsync(InstanceId target, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) => Task.FromResult(CallResult.NoReply);

        public void DelayedCast(TimeSpan delay, string alias, ReadOnlyMemory<byte> message)
        {
        }

        public void TelemetryLog(TelemetryLevel level, string target, string message)
        {
        }

        public Task SyncAsync(ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public void Exit(int exitCode = 0)
        {
        }
    }
}
