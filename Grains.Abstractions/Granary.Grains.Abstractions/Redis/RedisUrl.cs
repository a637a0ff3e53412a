using StackExchange.Redis;

namespace Granary.Grains.Redis;

/// <summary>
/// The platform's form of a Redis address, <c>redis://[USER:PASSWORD@]HOST[:PORT][/DB]</c> (as <c>Granary:Redis</c>,
/// the proxy's URL and the redis resource take it), read into StackExchange.Redis options.
/// </summary>
public static class RedisUrl
{
    /// <summary>
    /// Parses <paramref name="url"/>; a malformed one fails with a message naming <paramref name="option"/>. The
    /// options do not abort when the server is down at first: the connection is retried in the background.
    /// </summary>
    public static ConfigurationOptions Parse(string url, string option)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "redis" || uri.Host.Length == 0)
        {
            throw new InvalidOperationException($"{option} '{url}' is not a Redis URL (redis://HOST:PORT, optionally /DB).");
        }

        var options = new ConfigurationOptions { AbortOnConnectFail = false };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, out var db) && db >= 0
                ? db
                : throw new InvalidOperationException($"{option} '{url}': the database '{path}' is not a number.");
        }

        if (uri.UserInfo is { Length: > 0 } userInfo)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            options.User = colon > 0 ? Uri.UnescapeDataString(userInfo[..colon]) : null;
            options.Password = Uri.UnescapeDataString(colon >= 0 ? userInfo[(colon + 1)..] : userInfo);
        }

        return options;
    }
}
