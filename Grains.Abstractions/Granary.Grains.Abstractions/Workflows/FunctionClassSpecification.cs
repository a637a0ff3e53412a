namespace Granary.Grains.Workflows;

/// <summary>
/// A function's <c>class_specification</c>: what to run and on which run-time. After parsing, <see cref="Code"/> is
/// resolved: an absolute file path for RUST_WASM and DOTNET functions, the <c>container:IMAGE:TAG</c> reference
/// for CONTAINER functions.
/// </summary>
/// <param name="Id">The function class name (<c>id</c>); instances of one class share code.</param>
/// <param name="FunctionType">The run-time the code targets (<c>function_type</c>); nodes must offer it.</param>
/// <param name="Version">The developer's version string (<c>version</c>); kept as written, never interpreted.</param>
/// <param name="Code">
/// The code (<c>code</c>): for RUST_WASM and DOTNET an absolute path once parsed from a file (relative paths in the
/// file are resolved against the file's directory); for CONTAINER the <c>container:IMAGE:TAG</c> reference.
/// </param>
[GenerateSerializer]
public sealed record FunctionClassSpecification(
    [property: Id(0)] string Id,
    [property: Id(1)] FunctionType FunctionType,
    [property: Id(2)] string Version,
    [property: Id(3)] string Code)
{

    /// <summary>
    /// The declared outputs (<c>outputs</c>). Informational only, as in EDGELESS: channels mapped in
    /// <c>output_mapping</c> need not be listed here.
    /// </summary>
    [Id(4)]
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>The container image when <see cref="FunctionType"/> is CONTAINER and <see cref="Code"/> is well formed; otherwise null.</summary>
    public ContainerImageReference? GetContainerImage() =>
        FunctionType == FunctionType.Container && ContainerImageReference.TryParse(Code, out var image, out _) ? image : null;
}
