using Granary.Persistence;
using Granary.Runtime.Directory;
using Granary.Runtime.Membership;
using Granary.Runtime.Persistence;
using Granary.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.Runtime.Hosting;

/// <summary>Configures a silo's providers: clustering, grain storage and streams.</summary>
public sealed class SiloBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Membership and grain directory in process memory. Silos of one process that should form a cluster pass the
    /// same <paramref name="store"/>; without one, the silo forms a cluster of its own.
    /// </summary>
    public SiloBuilder UseInMemoryClustering(InMemoryClusterStore? store = null)
    {
        store ??= new InMemoryClusterStore();
        Services.Replace(ServiceDescriptor.Singleton<IMembershipTable>(store.Membership));
        Services.Replace(ServiceDescriptor.Singleton<IGrainDirectory>(store.Directory));
        return this;
    }

    /// <summary>Grain storage named <paramref name="name"/> in process memory (shared when <paramref name="storage"/> is given).</summary>
    public SiloBuilder AddMemoryGrainStorage(string name = GrainStorageNames.Default, InMemoryGrainStorage? storage = null)
    {
        Services.AddKeyedSingleton<IGrainStorage>(name, storage ?? new InMemoryGrainStorage());
        return this;
    }

    /// <summary>A stream provider named <paramref name="name"/> carried by the runtime's messaging (no external service).</summary>
    public SiloBuilder AddMemoryStreams(string name)
    {
        Services.AddSingleton<IStreamProviderFactory>(new MemoryStreamProviderFactory(name));
        return this;
    }
}

/// <summary>The in-memory membership table and grain directory that the silos of one process share.</summary>
public sealed class InMemoryClusterStore
{
    public InMemoryMembershipTable Membership { get; } = new();

    public InMemoryGrainDirectory Directory { get; } = new();
}
