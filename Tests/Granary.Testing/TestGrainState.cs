
namespace Granary.Testing;

/// <summary>A bare <see cref="IGrainState{TState}"/> for calling storage providers directly.</summary>
public sealed class TestGrainState<TState> : IGrainState<TState>
{
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public TState State { get; set; } = default!;

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
