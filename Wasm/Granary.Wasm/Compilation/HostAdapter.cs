using System.Reflection;
using Granary.Wasm.Model;

namespace Granary.Wasm.Compilation;

/// <summary>
/// How a host delegate type is called from compiled code: its WebAssembly signature and the thunk's code pointer.
/// When <see cref="AdaptTo"/> is set, each delegate must first be re-wrapped as that type (through <see cref="Invoke"/>).
/// </summary>
internal sealed record HostAdapter(FuncType Type, IntPtr Code, MethodInfo? Invoke, Type? AdaptTo);
