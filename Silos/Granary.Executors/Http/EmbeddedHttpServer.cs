using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Executors.Http;

/// <summary>
/// A Kestrel HTTP/1.1 server on one endpoint running one request delegate, without a web host of its own: the node's
/// http-ingress server and its /metrics endpoint live inside the silo's host and share its logging.
/// </summary>
public sealed class EmbeddedHttpServer : IAsyncDisposable
{
    private readonly KestrelServer _server;
    private readonly ServiceProvider _services;

    private EmbeddedHttpServer(KestrelServer server, ServiceProvider services, Uri address)
    {
        _server = server;
        _services = services;
        Address = address;
    }

    /// <summary>The bound address (with the real port when port 0 was asked for), e.g. http://127.0.0.1:43121/.</summary>
    public Uri Address { get; }

    /// <summary>Binds <paramref name="endpoint"/> and serves every request with <paramref name="handler"/>.</summary>
    public static async Task<EmbeddedHttpServer> StartAsync(IPEndPoint endpoint, RequestDelegate handler, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(handler);
        var services = new ServiceCollection().AddSingleton(loggerFactory).BuildServiceProvider();
        var options = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = services };
        options.Listen(endpoint);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
        var server = new KestrelServer(Options.Create(options), transport, loggerFactory);
        try
        {
            await server.StartAsync(new Application(handler), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"The HTTP server on {endpoint} did not report its address.");
        return new EmbeddedHttpServer(server, services, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    /// <summary>
    /// Parses an endpoint written as a URL (http://127.0.0.1:7035), host:port, or an address with a separate port.
    /// "localhost" means loopback, "*" and "+" every interface.
    /// </summary>
    public static IPEndPoint ParseEndpoint(string text, int? port = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        string host;
        int resolvedPort;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            var uri = new Uri(text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
            host = uri.Host;
            resolvedPort = port ?? uri.Port;
        }
        else if (port is { } p)
        {
            host = text;
            resolvedPort = p;
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out resolvedPort))
            {
                throw new FormatException($"'{text}' is not an HTTP endpoint: expected a URL such as http://127.0.0.1:7035 or host:port.");
            }

            host = text[..colon];
        }

        host = host.Trim('[', ']');
        var address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" or "" => IPAddress.Any,
            _ => IPAddress.TryParse(host, out var ip) ? ip : throw new FormatException($"'{host}' in '{text}' is not an IP address (or localhost, or *)."),
        };
        return new IPEndPoint(address, resolvedPort);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _server.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _server.Dispose();
            await _services.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Application(RequestDelegate handler) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => handler(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
