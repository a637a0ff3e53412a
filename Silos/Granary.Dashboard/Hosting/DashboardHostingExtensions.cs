using Granary.Client;
using Granary.Dashboard;
using Granary.Dashboard.Access;
using Granary.Dashboard.Api;
using Granary.Dashboard.Hosting;
using Granary.Dashboard.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosting for the dashboards: the Orleans dashboard and Granary's live pages on one HTTP endpoint.</summary>
public static class DashboardHostingExtensions
{
    /// <summary>Where the Orleans dashboard is mapped on the endpoint.</summary>
    public const string OrleansDashboardPath = "/orleans";

    /// <summary>The folder of the host's output that holds the pages (copied there from wwwroot at build).</summary>
    public const string PagesFolder = "granary-dashboard";

    /// <summary>
    /// Reads <see cref="GranaryDashboardOptions"/> from <c>Granary:Dashboard</c> (over <paramref name="defaultsSection"/>, when
    /// given), validates them when the host starts, and, when the endpoint is served, listens on its URL and adds
    /// Granary's live pages. When it is not served the host listens on no HTTP port. Returns whether it is served: the
    /// caller then adds the Orleans dashboard to its silo (<c>AddDashboard()</c>) and maps both with
    /// <see cref="MapGranaryDashboard"/>.
    /// </summary>
    public static bool AddGranaryDashboard(this WebApplicationBuilder builder, string? defaultsSection = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new GranaryDashboardOptions();
        if (defaultsSection is not null)
        {
            builder.Configuration.GetSection(defaultsSection).Bind(options);
            builder.Services.Configure<GranaryDashboardOptions>(builder.Configuration.GetSection(defaultsSection));
        }

        builder.Configuration.GetSection(GranaryDashboardOptions.Section).Bind(options);
        builder.Services.Configure<GranaryDashboardOptions>(builder.Configuration.GetSection(GranaryDashboardOptions.Section));
        builder.Services.AddSingleton<IValidateOptions<GranaryDashboardOptions>, GranaryDashboardOptionsValidator>();
        builder.Services.AddOptions<GranaryDashboardOptions>().ValidateOnStart();
        if (!options.IsServed)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<IServer, NoHttpServer>());
            return false;
        }

        builder.WebHost.UseUrls(options.Url!);
        builder.Services.AddGranaryLivePages();
        return true;
    }

    /// <summary>
    /// Granary's live pages on a host that has an <see cref="IClusterClient"/> (a silo, or a client process): the feeds
    /// and the client they read through. Map them with <see cref="MapGranaryLivePages"/>.
    /// </summary>
    public static IServiceCollection AddGranaryLivePages(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GranaryDashboardOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => GranaryClient.FromGrainFactory(sp.GetRequiredService<IClusterClient>()));
        services.TryAddSingleton<LiveTopics>();
        services.TryAddSingleton<PerformanceRates>();
        services.TryAddSingleton<LiveStateReader>();
        services.AddHostedService<LivePublisher>();
        services.AddHostedService<PlatformEventFeed>();
        return services;
    }

    /// <summary>
    /// Maps the Orleans dashboard under <see cref="OrleansDashboardPath"/> and Granary's pages at the root, behind the
    /// access token when one is configured, and prints the endpoint's address once the host listens.
    /// </summary>
    public static WebApplication MapGranaryDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<AccessTokenMiddleware>();
        app.MapOrleansDashboard(routePrefix: OrleansDashboardPath);
        app.MapGranaryLivePages();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.WriteLine($"Granary dashboard: {address.TrimEnd('/')}/ (Orleans dashboard: {address.TrimEnd('/')}{OrleansDashboardPath}/)");
            }
        });
        return app;
    }

    /// <summary>Maps Granary's pages (static files of <see cref="PagesFolder"/>) and their API under <c>/api</c>.</summary>
    public static WebApplication MapGranaryLivePages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var pages = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, PagesFolder));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = pages });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = pages });
        DashboardApi.Map(app);
        return app;
    }
}
