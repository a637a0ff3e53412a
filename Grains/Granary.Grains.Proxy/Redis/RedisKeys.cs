using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Granary.Grains.Proxy.Redis;

/// <summary>Key enumeration on a database, which StackExchange.Redis offers per server rather than per database.</summary>
public static class RedisKeys
{
    /// <summary>
    /// Every key of <paramref name="database"/> matching <paramref name="pattern"/> (SCAN, so the server is never blocked
    /// by a long KEYS), on each primary the multiplexer knows. Keys written meanwhile may or may not appear.
    /// </summary>
    public static async IAsyncEnumerable<string> ScanAsync(IDatabase database, string pattern, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        foreach (var server in database.Multiplexer.GetServers())
        {
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(database.Database, pattern, pageSize: 1000).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return key.ToString();
            }
        }
    }
}
