using Granary.Grains.Functions;
using Granary.Grains.Platform;

namespace Granary.Grains.Execution;

/// <summary>
/// Runs one kind of component on a node: a function runtime (DOTNET, RUST_WASM, CONTAINER) or a resource class
/// (file-log, http-ingress, ...). Node silos register their executors in DI; the node advertises what they run.
/// </summary>
public interface IFunctionExecutor
{
    /// <summary>The runtime name (DOTNET, RUST_WASM, CONTAINER) or resource class this executor runs.</summary>
    string Kind { get; }

    /// <summary>True for a resource executor (hosting a resource class), false for a function runtime.</summary>
    bool IsResource { get; }

    /// <summary>
    /// Creates the instance (not yet initialised). Fails with a message naming the component and the reason when
    /// the code cannot be loaded (missing file, missing type, missing image...).
    /// </summary>
    Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default);
}
