using Granary.Persistence;

namespace Granary.Runtime.Persistence;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>, bound to one grain, state name and storage provider.</summary>
internal sealed class PersistentState<TState>(string stateName, GrainId grainId, IGrainStorage storage)
    : IPersistentState<TState>, IGrainState<TState>, IPersistentStateLoader
{
    public TState State { get; set; } = CreateDefault();

    public string? Etag { get; set; }

    public bool RecordExists { get; set; }

    public Task ReadStateAsync(CancellationToken cancellationToken = default) => storage.ReadStateAsync(stateName, grainId, this, cancellationToken);

    public Task WriteStateAsync(CancellationToken cancellationToken = default) => storage.WriteStateAsync(stateName, grainId, this, cancellationToken);

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await storage.ClearStateAsync(stateName, grainId, this, cancellationToken);
        State = CreateDefault();
    }

    internal static TState CreateDefault() =>
        typeof(TState).IsValueType || typeof(TState) == typeof(string) || typeof(TState).GetConstructor(Type.EmptyTypes) is null
            ? default!
            : Activator.CreateInstance<TState>();
}
