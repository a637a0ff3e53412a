namespace Granary.Wasm.Model;

/// <summary>A function's locals (after its parameters) and the position of its code in the module bytes.</summary>
internal sealed record FunctionBody(ValType[] Locals, int CodeStart, int CodeEnd);
