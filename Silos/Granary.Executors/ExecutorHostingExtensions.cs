using Granary.Executors.Dotnet;
using Granary.Executors.Resources;
using Granary.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;

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
}
