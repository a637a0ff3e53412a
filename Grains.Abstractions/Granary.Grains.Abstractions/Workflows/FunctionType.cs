namespace Granary.Grains.Workflows;

/// <summary>
/// The run-time a function's code targets. A node offers a function only when its capabilities list the
/// function type's wire name (see <see cref="FunctionTypes"/>) among its runtimes.
/// </summary>
public enum FunctionType
{
    /// <summary>A plain wasm32 core module using the EDGELESS host ABI; wire name <c>RUST_WASM</c>.</summary>
    RustWasm = 1,

    /// <summary>A container image started by the node (never pulled); wire name <c>CONTAINER</c>.</summary>
    Container = 2,

    /// <summary>A .NET assembly loaded by the node (a Granary addition); wire name <c>DOTNET</c>.</summary>
    Dotnet = 3,
}
