// The runtime honours this attribute by name: applied to a dynamic assembly it lets that assembly's code use
// this assembly's internal members, which keeps the engine's runtime types out of the public surface.
namespace System.Runtime.CompilerServices;

[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    public string AssemblyName { get; } = assemblyName;
}
