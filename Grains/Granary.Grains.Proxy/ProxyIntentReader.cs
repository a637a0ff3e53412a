using Granary.Grains.Identity;
using StackExchange.Redis;

namespace Granary.Grains.Proxy;

/// <summary>
/// Takes intents from the head of the <c>intents</c> list, in order, reading (and deleting) the key each entry
/// names. Malformed entries come back as <see cref="InvalidIntent"/> so the caller can log why they were dropped.
/// </summary>
public sealed class ProxyIntentReader(IDatabase redis)
{
    /// <summary>Every intent queued now, head to tail; empty when there is none.</summary>
    public async Task<IReadOnlyList<ProxyIntent>> TakeAllAsync(int max = 1000, CancellationToken cancellationToken = default)
    {
        var intents = new List<ProxyIntent>();
        while (intents.Count < max)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = await redis.ListLeftPopAsync(ProxyKeys.IntentList).ConfigureAwait(false);
            if (entry.IsNull)
            {
                break;
            }

            var key = entry.ToString()!;
            var value = await redis.StringGetAsync(key).ConfigureAwait(false);
            await redis.KeyDeleteAsync(key).ConfigureAwait(false);
            intents.Add(Parse(key, value.IsNull ? null : value.ToString()));
        }

        return intents;
    }

    internal static ProxyIntent Parse(string key, string? value)
    {
        if (value is null)
        {
            return new InvalidIntent(key, $"key {key} has no value");
        }

        if (key.StartsWith(ProxyKeys.MigratePrefix, StringComparison.Ordinal))
        {
            return LogicalFunctionId.TryParse(key[ProxyKeys.MigratePrefix.Length..], null, out var lid)
                ? new MigrateIntent(key, lid, value.Trim())
                : new InvalidIntent(key, $"'{key[ProxyKeys.MigratePrefix.Length..]}' is not a logical function id");
        }

        if (key.StartsWith(ProxyKeys.CordonPrefix, StringComparison.Ordinal))
        {
            return value.Trim().ToLowerInvariant() switch
            {
                "yes" => new CordonIntent(key, key[ProxyKeys.CordonPrefix.Length..], true),
                "no" => new CordonIntent(key, key[ProxyKeys.CordonPrefix.Length..], false),
                var other => new InvalidIntent(key, $"cordon value must be yes or no, not '{other}'"),
            };
        }

        return new InvalidIntent(key, "unknown intent kind (expected intent:migrate:LID or intent:cordon:NODE)");
    }
}
