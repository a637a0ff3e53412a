namespace Granary.Wasm.Model;

/// <summary>How an element or data segment is used.</summary>
internal enum SegmentMode
{
    Active,
    Passive,
    Declarative,
}
