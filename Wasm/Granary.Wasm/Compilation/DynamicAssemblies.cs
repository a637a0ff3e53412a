using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Granary.Wasm.Compilation;

/// <summary>Creates dynamic assemblies that may use this assembly's internals.</summary>
internal static class DynamicAssemblies
{
    public static AssemblyBuilder Define(string name, AssemblyBuilderAccess access)
    {
        var ab = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), access);
        var ctor = typeof(IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!;
        ab.SetCustomAttribute(new CustomAttributeBuilder(ctor, [typeof(DynamicAssemblies).Assembly.GetName().Name!]));
        return ab;
    }
}
