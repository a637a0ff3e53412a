using System.Text.Json;
using Granary.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Benchmarks;

/// <summary>
/// Granary's live pages served on a loopback port from a cluster client, and a follower that reads them as a browser
/// does while <see cref="FollowAsync"/>'s handle lives: loads each page and its scripts, then keeps every live feed
/// open (workflows, nodes, functions, events), parsing each message. Disposing it closes the server.
/// </summary>
internal sealed class DashboardFollower : IAsyncDisposable
{
    private static readonly string[] Pages = ["/", "/nodes.html", "/functions.html", "/events.html", "/app.js", "/style.css",
        "/lib/cytoscape.min.js", "/lib/dagre.min.js", "/lib/cytoscape-dagre.js", "/lib/uPlot.iife.min.js"];

    private static readonly string[] Feeds = ["workflows", "nodes", "functions", "events"];

    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private DashboardFollower(WebApplication app, HttpClient http)
    {
        _app = app;
        _http = http;
    }

    /// <summary>Messages the follower has received on the feeds.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    private long _messages;

    public static async Task<DashboardFollower> StartAsync(IClusterClient client, TimeSpan refresh)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(client);
        builder.Services.Configure<GranaryDashboardOptions>(o => o.RefreshInterval = refresh);
        builder.Services.AddGranaryLivePages();
        var app = builder.Build();
        app.MapGranaryLivePages();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var follower = new DashboardFollower(app, new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan });
        return follower;
    }

    /// <summary>Opens every page and follows every feed until the returned handle is disposed.</summary>
    public async Task<IAsyncDisposable> FollowAsync()
    {
        foreach (var page in Pages)
        {
            (await _http.GetAsync(page)).EnsureSuccessStatusCode();
        }

        var stop = new CancellationTokenSource();
        var readers = Feeds.Select(feed => ReadFeedAsync(feed, stop.Token)).ToList();
        return new Following(stop, readers);
    }

    private async Task ReadFeedAsync(string feed, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync($"/api/live/{feed}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    using var message = JsonDocument.Parse(line.AsMemory(6));
                    Interlocked.Increment(ref _messages);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Following(CancellationTokenSource stop, List<Task> readers) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            stop.Dispose();
        }
    }
}
