using System.Collections.Concurrent;

namespace Granary.Runtime.Activations;

/// <summary>The activations living on this silo, one per grain at most.</summary>
internal sealed class Catalog
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();

    public int Count => _activations.Count;

    public ICollection<ActivationData> All => _activations.Values;

    public bool TryGet(GrainId grainId, out ActivationData? activation) => _activations.TryGetValue(grainId, out activation);

    /// <summary>The existing activation of <paramref name="grainId"/>, or a new one created by <paramref name="create"/>; <paramref name="created"/> tells which.</summary>
    public ActivationData GetOrCreate(GrainId grainId, Func<GrainId, ActivationData> create, out bool created)
    {
        if (_activations.TryGetValue(grainId, out var existing))
        {
            created = false;
            return existing;
        }

        var fresh = create(grainId);
        var winner = _activations.GetOrAdd(grainId, fresh);
        created = ReferenceEquals(winner, fresh);
        return winner;
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    public List<ActivationData> RemoveAll()
    {
        var all = _activations.Values.ToList();
        _activations.Clear();
        return all;
    }
}
