namespace Granary.Persistence;

/// <summary>
/// A grain storage provider (in memory, Redis, ...). Writes and clears compare the caller's
/// <see cref="IGrainState{TState}.Etag"/> with the stored one and throw <see cref="InconsistentStateException"/> on a
/// mismatch, changing nothing.
/// </summary>
public interface IGrainStorage
{
    Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default);

    Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default);

    Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default);
}
