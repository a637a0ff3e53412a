using System.Globalization;

namespace Granary.Redis;

/// <summary>
/// How to reach the server and how the client behaves. Build one directly or from a connection string with
/// <see cref="Parse"/>; <see cref="RedisConnection.ConnectAsync(RedisOptions, Microsoft.Extensions.Logging.ILoggerFactory?, CancellationToken)"/>
/// validates and copies it, so later changes do not affect an open connection.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>Host name or IP address of the server. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port of the server. Default 6379.</summary>
    public int Port { get; set; } = 6379;

    /// <summary>ACL user name sent with AUTH (Redis 6+); null authenticates as the <c>default</c> user.</summary>
    public string? User { get; set; }

    /// <summary>Password sent with AUTH on every (re)connect; null sends no AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The logical database (SELECT) every command of the connection uses, re-selected after each reconnect.
    /// Default 0. Open another connection to use another database.
    /// </summary>
    public int Database { get; set; }

    /// <summary>The protocol to negotiate. Default <see cref="RedisProtocol.Resp2"/>; RESP3 sends <c>HELLO 3</c>.</summary>
    public RedisProtocol Protocol { get; set; } = RedisProtocol.Resp2;

    /// <summary>Name set with CLIENT SETNAME (visible in CLIENT LIST); null sets none.</summary>
    public string? ClientName { get; set; }

    /// <summary>
    /// Limit for opening the socket and completing the handshake (AUTH, HELLO, SELECT), per attempt; also how long
    /// <see cref="RedisConnection.ConnectAsync(RedisOptions, Microsoft.Extensions.Logging.ILoggerFactory?, CancellationToken)"/>
    /// keeps retrying before it gives up. Default 5 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a command may wait for its reply, counted from the call, including time spent queued while the
    /// connection is down. On expiry the command fails with a <see cref="RedisTimeoutException"/>. Default 5 s.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// First delay between reconnect attempts after a failed one; it doubles per failure (with ±20% jitter) up to
    /// <see cref="ReconnectMaxDelay"/>. The first attempt after a connection drops is immediate. Default 100 ms.
    /// </summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the reconnect backoff. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When true (default), awaiting code resumes on the thread pool rather than on the connection's reader loop,
    /// so slow or blocking continuations cannot stall other replies. False is faster under heavy pipelining but
    /// every continuation must then be short and must never block.
    /// </summary>
    public bool RunContinuationsAsynchronously { get; set; } = true;

    /// <summary>
    /// Parses <c>redis://[user:password@]host[:port][/database][?protocol=3&amp;timeout=ms&amp;connectTimeout=ms&amp;name=client]</c>.
    /// A password alone is written <c>redis://:password@host</c>. User and password are percent-decoded.
    /// <c>rediss://</c> (TLS) is rejected with <see cref="NotSupportedException"/>; a malformed string throws
    /// <see cref="FormatException"/> naming the bad part.
    /// </summary>
    public static RedisOptions Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (connectionString.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                "rediss:// (TLS) is not supported by Granary.Redis; use redis:// on a trusted network or a TLS tunnel (stunnel, a sidecar proxy).");
        }

        if (!connectionString.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ||
            !Uri.TryCreate(connectionString, UriKind.Absolute, out var uri))
        {
            throw new FormatException($"'{Redact(connectionString)}' is not a redis:// URL (expected redis://[user:password@]host[:port][/db]).");
        }

        var options = new RedisOptions
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port,
        };
        if (string.IsNullOrEmpty(options.Host))
        {
            throw new FormatException($"'{Redact(connectionString)}' has no host.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
            var password = colon < 0 ? null : uri.UserInfo[(colon + 1)..];
            if (colon < 0)
            {
                // redis://secret@host: a single token is the password, as redis-cli treats it.
                password = user;
                user = null;
            }

            options.User = string.IsNullOrEmpty(user) ? null : Uri.UnescapeDataString(user);
            options.Password = password is null ? null : Uri.UnescapeDataString(password);
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
            {
                throw new FormatException($"'{Redact(connectionString)}': database '{path}' is not a non-negative integer.");
            }

            options.Database = db;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "protocol":
                    options.Protocol = value switch
                    {
                        "2" or "resp2" => RedisProtocol.Resp2,
                        "3" or "resp3" => RedisProtocol.Resp3,
                        _ => throw new FormatException($"protocol must be 2 or 3, got '{value}'."),
                    };
                    break;
                case "timeout":
                    options.CommandTimeout = ParseMilliseconds(key, value);
                    break;
                case "connecttimeout":
                    options.ConnectTimeout = ParseMilliseconds(key, value);
                    break;
                case "name":
                    options.ClientName = value;
                    break;
                default:
                    throw new FormatException($"Unknown connection string option '{key}' (known: protocol, timeout, connectTimeout, name).");
            }
        }

        options.Validate();
        return options;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first invalid setting: empty host, port outside 1-65535,
    /// negative database, non-positive timeouts, a reconnect delay range that is empty, a password-less user, or a
    /// client name with spaces.
    /// </summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Host must not be empty.", nameof(Host));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"Port must be between 1 and 65535, got {Port}.", nameof(Port));
        }

        if (Database < 0)
        {
            throw new ArgumentException($"Database must not be negative, got {Database}.", nameof(Database));
        }

        if (Protocol is not (RedisProtocol.Resp2 or RedisProtocol.Resp3))
        {
            throw new ArgumentException($"Protocol must be Resp2 or Resp3, got {Protocol}.", nameof(Protocol));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ConnectTimeout must be positive, got {ConnectTimeout}.", nameof(ConnectTimeout));
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CommandTimeout must be positive, got {CommandTimeout}.", nameof(CommandTimeout));
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
        {
            throw new ArgumentException(
                $"ReconnectMinDelay must be positive and at most ReconnectMaxDelay, got {ReconnectMinDelay} and {ReconnectMaxDelay}.",
                nameof(ReconnectMinDelay));
        }

        if (User is not null && Password is null)
        {
            throw new ArgumentException("User is set but Password is not; AUTH needs both.", nameof(Password));
        }

        if (ClientName is not null && (ClientName.Length == 0 || ClientName.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException("ClientName must be non-empty and contain no spaces.", nameof(ClientName));
        }
    }

    /// <summary>A copy of these options.</summary>
    public RedisOptions Clone() => (RedisOptions)MemberwiseClone();

    /// <summary>The endpoint as <c>host:port</c>, without credentials.</summary>
    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Database.ToString(CultureInfo.InvariantCulture)}";

    private static TimeSpan ParseMilliseconds(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw new FormatException($"{key} must be a positive number of milliseconds, got '{value}'.");

    private static string Redact(string connectionString)
    {
        var at = connectionString.LastIndexOf('@');
        var scheme = connectionString.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? connectionString[..(scheme + 3)] + "***" + connectionString[at..] : connectionString;
    }
}
