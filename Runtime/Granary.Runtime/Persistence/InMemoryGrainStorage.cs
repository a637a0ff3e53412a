using System.Collections.Concurrent;
using System.Text.Json;
using Granary.Persistence;

namespace Granary.Runtime.Persistence;

/// <summary>
/// Grain storage in process memory, shared by the silos of one process. States are kept as JSON (so no object is
/// shared between a writer and later readers) with an ETag compared on every write and clear.
/// </summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), (byte[] Json, string ETag)> _records = new();

    public Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default)
    {
        if (_records.TryGetValue((stateName, grainId), out var record))
        {
            grainState.State = JsonSerializer.Deserialize<TState>(record.Json)!;
            grainState.Etag = record.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = PersistentState<TState>.CreateDefault();
            grainState.Etag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default)
    {
        var key = (stateName, grainId);
        var json = JsonSerializer.SerializeToUtf8Bytes(grainState.State);
        var etag = Guid.NewGuid().ToString("N");
        if (grainState.Etag is null)
        {
            if (!_records.TryAdd(key, (json, etag)))
            {
                throw Conflict(stateName, grainId, _records.TryGetValue(key, out var now) ? now.ETag : null, null);
            }
        }
        else
        {
            if (!_records.TryGetValue(key, out var current) || current.ETag != grainState.Etag || !_records.TryUpdate(key, (json, etag), current))
            {
                throw Conflict(stateName, grainId, _records.TryGetValue(key, out var now) ? now.ETag : null, grainState.Etag);
            }
        }

        grainState.Etag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken = default)
    {
        var key = (stateName, grainId);
        if (_records.TryGetValue(key, out var current))
        {
            if (current.ETag != grainState.Etag || !_records.TryRemove(new KeyValuePair<(string, GrainId), (byte[], string)>(key, current)))
            {
                throw Conflict(stateName, grainId, current.ETag, grainState.Etag);
            }
        }

        grainState.Etag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static InconsistentStateException Conflict(string stateName, GrainId grainId, string? stored, string? held) =>
        new($"State '{stateName}' of {grainId} was changed by another writer (stored ETag {stored ?? "none"}, writer held {held ?? "none"}); nothing was written.", stored, held);
}
