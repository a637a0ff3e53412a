using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Granary.Testing;

/// <summary>One silo of a <see cref="TestCluster"/>.</summary>
public sealed class TestSilo(InProcessSiloHandle handle)
{
    internal InProcessSiloHandle Handle { get; } = handle;

    /// <summary>The silo's name (a node silo's name is its node id).</summary>
    public string Name { get; } = handle.ServiceProvider.GetRequiredService<ILocalSiloDetails>().Name;

    /// <summary>The silo's address in the cluster.</summary>
    public SiloAddress Address { get; } = handle.SiloAddress;

    /// <summary>The silo's gateway, where clients connect.</summary>
    public System.Net.IPEndPoint GatewayEndpoint => Handle.GatewayAddress?.Endpoint ?? throw new InvalidOperationException($"Silo {Name} has no gateway.");

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => Handle.ServiceProvider;

    /// <summary>A grain factory inside this silo: calls made through it come from this silo.</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>False once the silo was killed or stopped.</summary>
    public bool IsRunning { get; internal set; } = true;

    public override string ToString() => Name;
}
