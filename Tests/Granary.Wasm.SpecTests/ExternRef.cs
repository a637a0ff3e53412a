namespace Granary.Wasm.SpecTests;

/// <summary>The host value the test scripts write as <c>ref.extern N</c>.</summary>
public sealed record ExternRef(ulong Value);
