using Granary.Executors.Wasm;
using Granary.Grains.Execution;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Tests;

/// <summary>Creates instances straight from a <see cref="WasmFunctionExecutor"/>, without a cluster.</summary>
public static class WasmTestHost
{
    /// <summary>One engine for the test process, as a node has one.</summary>
    public static WasmEngine Engine { get; } = new();

    public static WasmFunctionExecutor Executor(WasmExecutorOptions? options = null, WasmEngine? engine = null) =>
        new(engine ?? Engine, Options.Create(options ?? new WasmExecutorOptions()), NullLogger<WasmFunctionExecutor>.Instance);

    public static ComponentDeployment Deployment(string wasmPath, Dictionary<string, string>? annotations = null, string name = "f") => new()
    {
        WorkflowId = "wf",
        LogicalId = LogicalFunctionId.New(),
        Function = new FunctionSpec(name, new FunctionClassSpecification(Path.GetFileNameWithoutExtension(wasmPath), FunctionType.RustWasm, "1", wasmPath))
        {
            Annotations = annotations ?? [],
        },
    };

    public static async Task<IFunctionInstance> StartAsync(string wasmPath, FakeFunctionContext context, Dictionary<string, string>? annotations = null, WasmExecutorOptions? options = null, string? initPayload = null, byte[]? state = null)
    {
        var instance = await Executor(options).CreateAsync(Deployment(wasmPath, annotations), context);
        await instance.InitAsync(initPayload, state, CancellationToken.None);
        return instance;
    }

    public static InstanceId Source() => InstanceId.NewOn(Guid.NewGuid());
}
