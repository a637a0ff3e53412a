using System.Diagnostics.CodeAnalysis;

namespace Granary.Grains.Workflows;

/// <summary>
/// The EDGELESS wire names of <see cref="FunctionType"/> values, as written in <c>function_type</c> and in a node's
/// <c>runtimes</c>. Names are case-sensitive, as in EDGELESS.
/// </summary>
public static class FunctionTypes
{
    /// <summary>Wire name of <see cref="FunctionType.RustWasm"/>.</summary>
    public const string RustWasm = "RUST_WASM";

    /// <summary>Wire name of <see cref="FunctionType.Container"/>.</summary>
    public const string Container = "CONTAINER";

    /// <summary>Wire name of <see cref="FunctionType.Dotnet"/>.</summary>
    public const string Dotnet = "DOTNET";

    /// <summary>Every wire name, in the order used by error messages.</summary>
    public static IReadOnlyList<string> All { get; } = [RustWasm, Container, Dotnet];

    /// <summary>The wire name of <paramref name="type"/>; throws for a value outside the enum.</summary>
    public static string ToWireName(this FunctionType type) => type switch
    {
        FunctionType.RustWasm => RustWasm,
        FunctionType.Container => Container,
        FunctionType.Dotnet => Dotnet,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown function type."),
    };

    /// <summary>Maps an exact (case-sensitive) wire name to its <see cref="FunctionType"/>; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? wireName, out FunctionType type)
    {
        switch (wireName)
        {
            case RustWasm: type = FunctionType.RustWasm; return true;
            case Container: type = FunctionType.Container; return true;
            case Dotnet: type = FunctionType.Dotnet; return true;
            default: type = default; return false;
        }
    }
}
