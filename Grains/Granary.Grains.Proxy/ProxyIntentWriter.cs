using Granary.Grains.Identity;
using StackExchange.Redis;

namespace Granary.Grains.Proxy;

/// <summary>
/// Queues intents the way a delegated orchestrator does (what <see cref="ProxyIntentReader"/> takes): sets the
/// intent key, then appends the key to the <c>intents</c> list, in that order, so the orchestrator never finds a
/// listed key without its value.
/// </summary>
public sealed class ProxyIntentWriter(IDatabase redis)
{
    /// <summary>
    /// Asks for function <paramref name="function"/> to move to node <paramref name="node"/>:
    /// <c>intent:migrate:LID</c> = NODE. Returns the length of <c>intents</c> after appending.
    /// </summary>
    public Task<long> MigrateAsync(LogicalFunctionId function, string node, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        return QueueAsync(ProxyKeys.MigratePrefix + function, node.Trim(), cancellationToken);
    }

    /// <summary>
    /// Cordons (<paramref name="cordon"/> true) or uncordons node <paramref name="node"/>:
    /// <c>intent:cordon:NODE</c> = yes|no. Returns the length of <c>intents</c> after appending.
    /// </summary>
    public Task<long> CordonAsync(string node, bool cordon, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        return QueueAsync(ProxyKeys.CordonPrefix + node.Trim(), cordon ? "yes" : "no", cancellationToken);
    }

    private async Task<long> QueueAsync(string key, string value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await redis.StringSetAsync(key, value).ConfigureAwait(false);
        return await redis.ListRightPushAsync(ProxyKeys.IntentList, key).ConfigureAwait(false);
    }
}
