namespace Granary.Wasm.Model;

/// <summary>Size limits of a table (elements) or memory (pages).</summary>
internal readonly record struct Limits(uint Min, uint? Max)
{
    /// <summary>Import subtyping: this (actual) satisfies <paramref name="required"/>.</summary>
    public bool Matches(Limits required) =>
        Min >= required.Min && (required.Max is not { } rmax || (Max is { } max && max <= rmax));
}
