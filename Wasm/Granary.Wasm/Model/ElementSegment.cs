namespace Granary.Wasm.Model;

/// <summary>An element segment: references copied into a table at instantiation (active) or by <c>table.init</c>.</summary>
internal sealed record ElementSegment(SegmentMode Mode, int TableIndex, ConstExpr Offset, ValType Type, ConstExpr[] Items);
