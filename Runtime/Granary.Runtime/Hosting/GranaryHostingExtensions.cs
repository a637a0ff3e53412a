using Granary.Runtime.Configuration;
using Granary.Runtime.Hosting;
using Granary.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a Granary silo to a Generic Host.</summary>
public static class GranaryHostingExtensions
{
    /// <summary>
    /// Runs a silo in this host. Options bind from configuration sections Granary:Silo, Granary:Messaging,
    /// Granary:Membership and Granary:Collection; <paramref name="configure"/> chooses providers (in-memory clustering
    /// is the default).
    /// </summary>
    public static IHostApplicationBuilder UseGranary(this IHostApplicationBuilder builder, Action<SiloBuilder>? configure = null)
    {
        builder.Services.AddGranarySilo(configure);
        builder.Services.Configure<SiloOptions>(builder.Configuration.GetSection("Granary:Silo"));
        builder.Services.Configure<MessagingOptions>(builder.Configuration.GetSection("Granary:Messaging"));
        builder.Services.Configure<MembershipOptions>(builder.Configuration.GetSection("Granary:Membership"));
        builder.Services.Configure<GrainCollectionOptions>(builder.Configuration.GetSection("Granary:Collection"));
        return builder;
    }

    /// <summary>Registers a silo and its hosted service; the core overload the others funnel into.</summary>
    public static IServiceCollection AddGranarySilo(this IServiceCollection services, Action<SiloBuilder>? configure = null)
    {
        services.AddOptions();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalStreamSubscriptions>();
        var validator = new RuntimeOptionsValidator();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>>(validator));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessagingOptions>>(validator));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MembershipOptions>>(validator));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainCollectionOptions>>(validator));
        services.TryAddSingleton<Silo>();

        // Registered before the configuration callback so that hosted services added there start after the silo.
        services.AddHostedService<SiloHostedService>();
        var builder = new SiloBuilder(services);
        builder.UseInMemoryClustering();
        configure?.Invoke(builder);
        return services;
    }
}
