using System.Collections.Concurrent;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Executors.Resources;

/// <summary>
/// Finds the logical function of a physical instance (an event's source) by asking the node that runs it: the
/// node's grain lists its instances with their logical ids. Answers are cached (every instance of the node asked is
/// remembered); an instance that is gone, or a node that does not answer, gives null and is asked again next time.
/// </summary>
internal sealed class LogicalIdLookup(IServiceProvider services)
{
    private const int MaxCached = 10_000;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<InstanceId, LogicalFunctionId> _known = new();

    public async Task<LogicalFunctionId?> FindAsync(InstanceId instance, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(instance, out var lid))
        {
            return lid;
        }

        if (services.GetService<IGrainFactory>() is not { } grains)
        {
            return null;
        }

        var node = grains.GetGrain<INodeGrain>(instance.NodeId.ToString("D"));
        var instances = await node.Instances().WaitAsync(AskTimeout, cancellationToken).ConfigureAwait(false);
        if (_known.Count + instances.Count > MaxCached)
        {
            _known.Clear();
        }

        foreach (var status in instances)
        {
            _known[status.Id] = status.LogicalId;
        }

        return _known.TryGetValue(instance, out lid) ? lid : null;
    }
}
