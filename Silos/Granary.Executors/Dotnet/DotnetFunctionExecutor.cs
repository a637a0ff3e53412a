using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Platform;

namespace Granary.Executors.Dotnet;

/// <summary>
/// Runs DOTNET functions: <c>code</c> is the path of an assembly (loaded once per path into the default load
/// context, so it shares Granary's contracts), <c>id</c> the full name of a public class implementing
/// <see cref="IGranaryFunction"/> with a parameterless constructor. A bare file name is also looked up next to
/// the host executable.
/// </summary>
public sealed class DotnetFunctionExecutor : IFunctionExecutor
{
    private readonly ConcurrentDictionary<string, Assembly> _assemblies = new(StringComparer.Ordinal);

    public string Kind => "DOTNET";

    public bool IsResource => false;

    public Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        var spec = deployment.Function?.ClassSpecification
            ?? throw new ArgumentException($"{deployment.Name} is not a function.", nameof(deployment));
        var assembly = _assemblies.GetOrAdd(spec.Code, Load);
        var type = assembly.GetType(spec.Id, throwOnError: false)
            ?? assembly.GetExportedTypes().FirstOrDefault(t => t.Name == spec.Id)
            ?? throw new InvalidOperationException($"Function {deployment.Name}: no class '{spec.Id}' in {assembly.Location}.");
        if (!typeof(IGranaryFunction).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new InvalidOperationException($"Function {deployment.Name}: class {type.FullName} must implement IGranaryFunction and have a public parameterless constructor.");
        }

        var function = (IGranaryFunction)Activator.CreateInstance(type)!;
        return Task.FromResult<IFunctionInstance>(new Instance(function, context));
    }

    private static Assembly Load(string code)
    {
        var path = File.Exists(code) ? Path.GetFullPath(code) : Path.Combine(AppContext.BaseDirectory, Path.GetFileName(code));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"DOTNET function assembly '{code}' not found (also looked in {AppContext.BaseDirectory}).", code);
        }

        var name = AssemblyName.GetAssemblyName(path);
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name));
        return loaded ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    private sealed class Instance(IGranaryFunction function, IFunctionContext context) : IFunctionInstance
    {
        public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) => function.InitAsync(context, initPayload, state, cancellationToken);

        public Task CastAsync(Grains.Identity.InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) => function.CastAsync(source, message, cancellationToken);

        public Task<CallResult> CallAsync(Grains.Identity.InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) => function.CallAsync(source, message, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => function.StopAsync(cancellationToken);

        public ValueTask DisposeAsync() => function is IAsyncDisposable d ? d.DisposeAsync() : ValueTask.CompletedTask;
    }
}
