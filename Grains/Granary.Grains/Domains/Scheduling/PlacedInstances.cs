using System.Collections.ObjectModel;
using Granary.Grains.Identity;
using Granary.Grains.Placement;

namespace Granary.Grains.Domains.Scheduling;

/// <summary>
/// The instances of one logical function, each one counted in the domain's <see cref="NodeAllocations"/> while it is in
/// the list: adding, replacing or removing an instance updates its node's allocation at once, so a placement decision
/// reads the allocations instead of summing every instance of the domain again.
/// </summary>
public sealed class PlacedInstances(NodeAllocations allocations, ResourceRequest request) : Collection<InstanceId>
{
    /// <summary>The index of the first instance that matches, or -1.</summary>
    public int FindIndex(Predicate<InstanceId> match)
    {
        for (var i = 0; i < Count; i++)
        {
            if (match(this[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Removes every instance that matches; returns how many.</summary>
    public int RemoveAll(Predicate<InstanceId> match)
    {
        var removed = 0;
        for (var i = Count - 1; i >= 0; i--)
        {
            if (match(this[i]))
            {
                RemoveAt(i);
                removed++;
            }
        }

        return removed;
    }

    protected override void InsertItem(int index, InstanceId item)
    {
        base.InsertItem(index, item);
        allocations.Add(item.NodeId, request);
    }

    protected override void SetItem(int index, InstanceId item)
    {
        allocations.Remove(this[index].NodeId, request);
        base.SetItem(index, item);
        allocations.Add(item.NodeId, request);
    }

    protected override void RemoveItem(int index)
    {
        allocations.Remove(this[index].NodeId, request);
        base.RemoveItem(index);
    }

    protected override void ClearItems()
    {
        foreach (var instance in this)
        {
            allocations.Remove(instance.NodeId, request);
        }

        base.ClearItems();
    }
}
