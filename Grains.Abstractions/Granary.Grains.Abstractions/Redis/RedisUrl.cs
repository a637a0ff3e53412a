using System.Globalization;
using StackExchange.Redis;

namespace Granary.Grains.Redis;

/// <summary>
/// Reads the <c>redis://</c> URLs Granary's settings take (<c>Granary:Proxy:Url</c>, the <c>redis</c> resource's
/// <c>url</c>, the <c>metrics-collector</c>, <c>granary proxy --redis</c>) into StackExchange.Redis
/// <see cref="ConfigurationOptions"/>:
/// <c>redis://[user:password@]host[:port][/database][?timeout=MS&amp;connectTimeout=MS&amp;name=CLIENT&amp;protocol=2|3]</c>.
/// </summary>
/// <remarks>
/// The options never abort on a failed first connect (<c>abortConnect=false</c>): a process that starts while Redis
/// is down keeps running and the multiplexer connects in the background, which is how Granary rides out outages.
/// Port 6379 and database 0 unless given; <see cref="DefaultTimeout"/> for connect and for commands (sync and async)
/// unless <c>connectTimeout</c> or <c>timeout</c> say otherwise; reconnects back off from 250 ms to at most 2 s, so a
/// Redis that returns is used again within seconds. A password alone is written <c>redis://:secret@host</c>; user and
/// password are percent-decoded. <c>rediss://</c> connects with TLS.
/// </remarks>
public static class RedisUrl
{
    /// <summary>Connect and command timeout when the URL sets none: 5 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private const int DefaultPort = 6379;

    /// <summary>
    /// The client options for <paramref name="url"/>. Throws <see cref="FormatException"/> naming the bad part (the
    /// password is never echoed) when it is not such a URL, the database or a number is not a non-negative integer,
    /// or an option is unknown.
    /// </summary>
    public static ConfigurationOptions Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var tls = url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);
        if ((!tls && !url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new FormatException($"'{Redact(url)}' is not a redis:// URL (expected redis://[user:password@]host[:port][/db]).");
        }

        var host = uri.Host.Trim('[', ']');
        if (host.Length == 0)
        {
            throw new FormatException($"'{Redact(url)}' has no host.");
        }

        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = Milliseconds(DefaultTimeout),
            SyncTimeout = Milliseconds(DefaultTimeout),
            AsyncTimeout = Milliseconds(DefaultTimeout),
            ReconnectRetryPolicy = new ExponentialRetry(250, 2000),
            Ssl = tls,
        };
        options.EndPoints.Add(host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port);
        if (tls)
        {
            options.SslHost = host;
        }

        ReadCredentials(uri.UserInfo, options);
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db)
                ? db
                : throw new FormatException($"'{Redact(url)}': database '{path}' is not a non-negative integer.");
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "timeout":
                    options.SyncTimeout = options.AsyncTimeout = PositiveMilliseconds(key, value);
                    break;
                case "connecttimeout":
                    options.ConnectTimeout = PositiveMilliseconds(key, value);
                    break;
                case "name":
                    options.ClientName = value.Length > 0 && !value.Any(char.IsWhiteSpace)
                        ? value
                        : throw new FormatException($"name must be non-empty and contain no spaces, got '{value}'.");
                    break;
                case "protocol":
                    options.Protocol = value switch
                    {
                        "2" or "resp2" => RedisProtocol.Resp2,
                        "3" or "resp3" => RedisProtocol.Resp3,
                        _ => throw new FormatException($"protocol must be 2 or 3, got '{value}'."),
                    };
                    break;
                default:
                    throw new FormatException($"Unknown redis:// URL option '{key}' (known: timeout, connectTimeout, name, protocol).");
            }
        }

        return options;
    }

    /// <summary>True when <paramref name="url"/> names a query option <paramref name="option"/> (case-insensitive).</summary>
    public static bool HasOption(string url, string option)
    {
        ArgumentNullException.ThrowIfNull(url);
        var query = url.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 && url[(query + 1)..].Split('&').Any(p => p.Split('=')[0].Equals(option, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The server and database as <c>host:port/db</c>, without credentials: for log lines and messages.</summary>
    public static string Describe(ConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.EndPoints.Count > 0 ? Format(options.EndPoints[0]) : "?";
        return string.Create(CultureInfo.InvariantCulture, $"{endpoint}/{options.DefaultDatabase ?? 0}");
    }

    /// <summary><c>host:port</c> of an endpoint, the way the URL names it.</summary>
    public static string Format(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        System.Net.IPEndPoint ip => ip.ToString(),
        _ => endpoint.ToString() ?? "?",
    };

    private static void ReadCredentials(string userInfo, ConfigurationOptions options)
    {
        if (userInfo.Length == 0)
        {
            return;
        }

        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            // redis://secret@host: a single token is the password, as redis-cli reads it.
            options.Password = Uri.UnescapeDataString(userInfo);
            return;
        }

        var user = userInfo[..colon];
        options.User = user.Length == 0 ? null : Uri.UnescapeDataString(user);
        options.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
    }

    private static int Milliseconds(TimeSpan time) => (int)time.TotalMilliseconds;

    private static int PositiveMilliseconds(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? ms
            : throw new FormatException($"{key} must be a positive number of milliseconds, got '{value}'.");

    private static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }
}
