namespace Granary.Wasm.Model;

/// <summary>A data segment: bytes copied into memory at instantiation (active) or by <c>memory.init</c>.</summary>
internal sealed record DataSegment(SegmentMode Mode, int MemoryIndex, ConstExpr Offset, byte[] Data);
