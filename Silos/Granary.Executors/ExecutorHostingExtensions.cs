using Granary.Executors.Dotnet;
using Granary.Executors.Resources;
using Granary.Executors.Wasm;
using Granary.Grains.Execution;
using Granary.Wasm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.Runtime.Hosting;

/// <summary>Registers the function executors and resources a node offers.</summary>
public static class ExecutorHostingExtensions
{
    /// <summary>The .NET function runtime (DOTNET).</summary>
    public static SiloBuilder AddDotnetFunctions(this SiloBuilder builder)
    {
        builder.Services.AddSingleton<IFunctionExecutor, DotnetFunctionExecutor>();
        return builder;
    }

    /// <summary>The file-log resource.</summary>
    public static SiloBuilder AddFileLogResource(this SiloBuilder builder)
    {
        builder.Services.AddSingleton<IFunctionExecutor, FileLogExecutor>();
        return builder;
    }

    /// <summary>
    /// The WebAssembly function runtime (RUST_WASM) on Granary's built-in engine, unless an <see cref="IWasmEngine"/>
    /// is already registered. <paramref name="configure"/> sets the node-wide sandbox limits (memory pages, time or
    /// fuel per event, call depth, call timeout); functions override them with <c>wasm.*</c> annotations.
    /// </summary>
    public static SiloBuilder AddWasmFunctions(this SiloBuilder builder, Action<WasmExecutorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WasmExecutorOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<IWasmEngine, WasmEngine>();
        builder.Services.AddSingleton<IFunctionExecutor, WasmFunctionExecutor>();
        return builder;
    }
}
