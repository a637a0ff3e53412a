using Granary.Grains.Domains;
using Granary.Grains.Nodes;
using Granary.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.Runtime.Hosting;

/// <summary>Turns a silo into a platform node and/or a domain orchestrator.</summary>
public static class PlatformHostingExtensions
{
    /// <summary>
    /// Makes this silo an edge node: its silo name becomes the node id (so the node's grain lives here), it gets the
    /// "node" role, runs its function instances, and registers with its domain. Executors are added separately.
    /// </summary>
    public static SiloBuilder AddGranaryNode(this SiloBuilder builder, Action<NodeOptions>? configure = null)
    {
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<NodeTelemetry>();
        builder.Services.TryAddSingleton<NodeRuntime>();
        builder.Services.AddHostedService<NodeAgent>();
        builder.Services.AddHostedService<NodeEventPublisher>();
        builder.Services.AddOptions<SiloOptions>().Configure<Microsoft.Extensions.Options.IOptions<NodeOptions>>((silo, node) =>
        {
            silo.Name = node.Value.NodeId.ToString("D");
            if (!silo.Roles.Contains("node"))
            {
                silo.Roles.Add("node");
            }
        });
        return builder;
    }

    /// <summary>Gives this silo the "orchestrator" role, so domain orchestrator grains may live here.</summary>
    public static SiloBuilder AddGranaryOrchestrator(this SiloBuilder builder, Action<DomainOptions>? configure = null)
    {
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<SiloOptions>().Configure(silo =>
        {
            if (!silo.Roles.Contains("orchestrator"))
            {
                silo.Roles.Add("orchestrator");
            }
        });
        return builder;
    }
}
