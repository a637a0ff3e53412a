using System.Reflection;
using System.Reflection.Emit;
using Granary.Wasm.Model;

namespace Granary.Wasm.Compilation;

/// <summary>What function compilation needs to know about the module being compiled and its generated type.</summary>
internal sealed class ModuleEmitContext
{
    public required ModuleDefinition Module { get; init; }

    public required HashSet<int> DeclaredRefs { get; init; }

    public required TypeBuilder ContextType { get; init; }

    public FieldBuilder? MemoryField { get; init; }

    public required FieldBuilder[] TableFields { get; init; }

    public required FieldBuilder[] GlobalFields { get; init; }

    /// <summary>One field per imported function, holding its <see cref="WasmFunction"/>.</summary>
    public required FieldBuilder[] ImportFields { get; init; }

    /// <summary>One method per defined function (index minus the imported function count).</summary>
    public required MethodBuilder[] Methods { get; init; }
}
