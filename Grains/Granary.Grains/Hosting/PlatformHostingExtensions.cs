using Granary.Grains.Domains;
using Granary.Grains.Nodes;
using Granary.Grains.Protection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Granary.Hosting;

/// <summary>Turns an Orleans silo into a platform node and/or a domain orchestrator.</summary>
public static class PlatformHostingExtensions
{
    /// <summary>
    /// Makes this silo an edge node: its silo name becomes the node id (so the node's grain, placed by
    /// <see cref="NodeSiloPlacement"/>, lives here), it gets the "node" role, runs its function instances, and
    /// registers with its domain once the silo is active. Executors are added separately. When the silo stops, the
    /// node stops its instances (newest first) before the silo leaves the cluster.
    /// </summary>
    public static ISiloBuilder AddGranaryNode(this ISiloBuilder builder, Action<NodeOptions>? configure = null)
    {
        SiloRoles.Add(builder, SiloRoles.Node, configure);
        builder.Services.TryAddSingleton<NodeTelemetry>();
        builder.Services.TryAddSingleton<NodeRuntime>();
        AddProtectionOptions(builder);
        builder.Services.TryAddSingleton<INodeUsageProbe>(sp => new NodeUsageProbe(
            new NodeProbePaths { CpuCgroup = sp.GetRequiredService<IOptions<ProtectionOptions>>().Value.CpuCgroup },
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<NodeUsageSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeUsageSampler>());
        builder.Services.AddSingleton<NodeAgent>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<NodeAgent>());
        builder.Services.AddHostedService<NodeEventPublisher>();
        // After every other configuration (a test cluster names its silos too): a node silo is named by its node id.
        builder.Services.AddOptions<SiloOptions>().PostConfigure<IOptions<NodeOptions>>((silo, node) => silo.SiloName = node.Value.NodeId.ToString("D"));
        return builder;
    }

    /// <summary>Gives this silo the "orchestrator" role, so domain orchestrator and logical function grains may live here.</summary>
    public static ISiloBuilder AddGranaryOrchestrator(this ISiloBuilder builder, Action<DomainOptions>? configure = null)
    {
        AddProtectionOptions(builder);
        return SiloRoles.Add(builder, SiloRoles.Orchestrator, configure);
    }

    /// <summary>
    /// Configures node protection (<see cref="ProtectionOptions"/>, section <c>Granary:Protection</c> in the host) on a
    /// node or orchestrator silo: nodes sample at its interval, domains apply its thresholds.
    /// </summary>
    public static ISiloBuilder AddGranaryProtection(this ISiloBuilder builder, Action<ProtectionOptions> configure)
    {
        AddProtectionOptions(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    private static void AddProtectionOptions(ISiloBuilder builder)
    {
        builder.Services.AddOptions<ProtectionOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProtectionOptions>, ProtectionOptionsValidator>());
    }
}
