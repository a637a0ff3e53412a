using System.Collections.Concurrent;

namespace Granary.Runtime.Directory;

/// <summary>A grain directory in process memory, shared by the silos of one process.</summary>
public sealed class InMemoryGrainDirectory : IGrainDirectory
{
    private readonly ConcurrentDictionary<GrainId, GrainAddress> _entries = new();

    public Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previous, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_entries.TryGetValue(address.GrainId, out var existing))
            {
                if (existing == address)
                {
                    return Task.FromResult(existing);
                }

                if (previous is null || existing != previous)
                {
                    return Task.FromResult(existing);
                }

                if (_entries.TryUpdate(address.GrainId, address, existing))
                {
                    return Task.FromResult(address);
                }
            }
            else if (_entries.TryAdd(address.GrainId, address))
            {
                return Task.FromResult(address);
            }
        }
    }

    public Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_entries.TryGetValue(grainId, out var a) ? a : null);

    public Task UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        return Task.CompletedTask;
    }

    public Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default)
    {
        foreach (var entry in _entries)
        {
            if (silos.Contains(entry.Value.Silo))
            {
                _entries.TryRemove(entry);
            }
        }

        return Task.CompletedTask;
    }
}
