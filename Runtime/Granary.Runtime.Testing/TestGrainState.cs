using Granary.Persistence;

namespace Granary.Runtime.Testing;

/// <summary>A bare <see cref="IGrainState{TState}"/> for calling storage providers directly.</summary>
public sealed class TestGrainState<TState> : IGrainState<TState>
    where TState : new()
{
    public TState State { get; set; } = new();

    public string? Etag { get; set; }

    public bool RecordExists { get; set; }
}
