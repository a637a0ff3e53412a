using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Granary.Hosting;

/// <summary>
/// Grain state kept in this process: every silo of the process that shares the <see cref="InProcessGrainStore"/>
/// sees the same state, so a grain moved to another silo of the process (one silo killed in a test cluster) reads
/// what was written before. Orleans' own memory storage spreads state over grains in the silos, and loses the part
/// that lived on a killed silo. States are deep-copied in and out, and writes check the ETag like any real store.
/// Nothing survives the process: for that, Redis (<c>Granary:Redis</c>).
/// </summary>
internal sealed class InProcessGrainStorage(string name, InProcessGrainStore store, DeepCopier copier) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.Entries.TryGetValue(Key(stateName, grainId), out var entry))
        {
            grainState.State = copier.Copy((T)entry.State);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var etag = Guid.NewGuid().ToString("N");
        var key = Key(stateName, grainId);
        object copy = copier.Copy(grainState.State)!;
        store.Entries.AddOrUpdate(
            key,
            _ => grainState.ETag is null ? (copy, etag) : throw Conflict(grainId, grainState.ETag, null),
            (_, current) => current.ETag == grainState.ETag ? (copy, etag) : throw Conflict(grainId, grainState.ETag, current.ETag));
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        if (store.Entries.TryGetValue(key, out var current))
        {
            if (current.ETag != grainState.ETag)
            {
                throw Conflict(grainId, grainState.ETag, current.ETag);
            }

            store.Entries.TryRemove(KeyValuePair.Create(key, current));
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private string Key(string stateName, GrainId grainId) => $"{name}/{stateName}/{grainId}";

    private InconsistentStateException Conflict(GrainId grainId, string? expected, string? stored) =>
        new($"Grain state of {grainId} in storage '{name}' changed since it was read", stored ?? "(none)", expected ?? "(none)");
}

/// <summary>The state behind <see cref="InProcessGrainStorage"/>: share one instance between the silos that must see the same state.</summary>
public sealed class InProcessGrainStore
{
    internal ConcurrentDictionary<string, (object State, string ETag)> Entries { get; } = new(StringComparer.Ordinal);
}

/// <summary>Registers <see cref="InProcessGrainStorage"/>.</summary>
public static class InProcessGrainStorageExtensions
{
    /// <summary>
    /// Adds grain storage <paramref name="name"/> kept in this process, in <paramref name="store"/> (shared by every
    /// silo it is given to) or, without one, in a store of this silo's own.
    /// </summary>
    public static ISiloBuilder AddInProcessGrainStorage(this ISiloBuilder builder, string name, InProcessGrainStore? store = null)
    {
        store ??= new InProcessGrainStore();
        builder.Services.AddGrainStorage(name, (sp, key) => new InProcessGrainStorage(key, store, sp.GetRequiredService<DeepCopier>()));
        return builder;
    }
}
