using Granary.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Granary.Runtime.Testing;

/// <summary>One silo of a <see cref="TestCluster"/>, running in its own host inside the test process.</summary>
public sealed class TestSilo(string name, IHost host)
{
    public string Name { get; } = name;

    public IHost Host { get; } = host;

    public Silo Silo { get; } = host.Services.GetRequiredService<Silo>();

    public SiloAddress Address => Silo.Address;

    public IServiceProvider Services => Host.Services;

    public bool IsRunning { get; internal set; } = true;

    public override string ToString() => Name;
}
