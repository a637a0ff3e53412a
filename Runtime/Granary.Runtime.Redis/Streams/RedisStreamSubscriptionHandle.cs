using Granary.Redis;
using Granary.Streams;

namespace Granary.Runtime.Redis.Streams;

/// <summary>
/// A subscription pulled by this silo. Unsubscribing stops the pull; a named subscription keeps its position (and
/// any unacknowledged events) in Redis for the next subscriber of that name, an unnamed one is deleted.
/// </summary>
internal sealed class RedisStreamSubscriptionHandle(RedisStreamProvider provider, StreamId streamId, Guid subscriptionId, RedisStreamAgent agent, string key, string group, bool durable) : StreamSubscriptionHandle
{
    private int _unsubscribed;

    public override Guid SubscriptionId { get; } = subscriptionId;

    public override StreamId StreamId { get; } = streamId;

    public override async Task UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unsubscribed, 1) == 1)
        {
            return;
        }

        await provider.StopAsync(SubscriptionId, agent).ConfigureAwait(false);
        try
        {
            await ForgetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.ErrorCode == "NOGROUP" || ex.ServerMessage.Contains("requires the key to exist", StringComparison.Ordinal))
        {
            // The subscription or the stream was deleted meanwhile: nothing left to clean up.
        }
    }

    private async Task ForgetAsync(CancellationToken cancellationToken)
    {
        var db = await provider.Connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        if (!durable)
        {
            await db.ExecuteAsync("XGROUP", ["DESTROY", key, group], cancellationToken).ConfigureAwait(false);
            return;
        }

        // Forget this consumer only when it holds no pending events: DELCONSUMER would drop them. No one else can
        // add to its pending list (XAUTOCLAIM claims for the caller), so the check cannot be overtaken.
        var pending = await db.StreamPendingAsync(key, group, 1, agent.Consumer, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (pending.Length == 0)
        {
            await db.ExecuteAsync("XGROUP", ["DELCONSUMER", key, group, agent.Consumer], cancellationToken).ConfigureAwait(false);
        }
    }
}
