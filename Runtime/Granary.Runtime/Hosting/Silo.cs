using Granary.Runtime.Configuration;
using Granary.Runtime.Directory;
using Granary.Runtime.Membership;
using Granary.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Hosting;

/// <summary>
/// A silo: hosts grain activations, joins the cluster, and serves clients. Created by dependency injection (see
/// <see cref="GranaryHostingExtensions"/>) and started by the host; tests can also stop it abruptly
/// (<see cref="KillAsync"/>) or cut it off from the network (<see cref="CutOff"/>).
/// </summary>
public sealed class Silo : IAsyncDisposable
{
    private readonly SiloRuntime _runtime;

    public Silo(
        IOptions<SiloOptions> siloOptions,
        IOptions<MessagingOptions> messagingOptions,
        IOptions<MembershipOptions> membershipOptions,
        IOptions<GrainCollectionOptions> collectionOptions,
        IMembershipTable membershipTable,
        IGrainDirectory directory,
        IServiceProvider services,
        ILoggerFactory loggerFactory,
        TimeProvider? timeProvider = null)
    {
        _runtime = new SiloRuntime(siloOptions.Value, messagingOptions.Value, membershipOptions.Value, collectionOptions.Value,
            membershipTable, directory, services, loggerFactory, timeProvider ?? TimeProvider.System);
        _runtime.Terminated += () => Terminated?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>The silo's address; available once started.</summary>
    public SiloAddress Address => _runtime.Address;

    /// <summary>Grain factory whose calls originate on this silo.</summary>
    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    /// <summary>Number of activations currently on this silo.</summary>
    public int ActivationCount => _runtime.Catalog.Count;

    /// <summary>Silos this silo currently considers active.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos => _runtime.Membership.ActiveSilos;

    /// <summary>Raised when the cluster declared this silo dead and it stopped itself.</summary>
    public event EventHandler? Terminated;

    /// <summary>The stream provider registered as <paramref name="name"/>.</summary>
    public IStreamProvider GetStreamProvider(string name) => _runtime.GetStreamProvider(name);

    /// <summary>True when an activation of <paramref name="grainId"/> lives on this silo.</summary>
    public bool HasActivation(GrainId grainId) => _runtime.Catalog.TryGet(grainId, out _);

    /// <summary>
    /// Cuts the silo off the network while true (every connection closed and refused). The membership table stays
    /// reachable, so the silo learns when the others declare it dead, and stops.
    /// </summary>
    public bool CutOff
    {
        get => _runtime.Connections.Partitioned;
        set => _runtime.Connections.Partitioned = value;
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => _runtime.StartAsync(cancellationToken);

    /// <summary>Graceful stop: deactivates grains, leaves the membership table.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _runtime.StopAsync(cancellationToken);

    /// <summary>Abrupt stop as if the process died: no deactivation callbacks, no goodbye.</summary>
    public Task KillAsync() => _runtime.KillAsync();

    public ValueTask DisposeAsync() => _runtime.DisposeAsync();

    public override string ToString() => _runtime.Address?.ToString() ?? "silo (not started)";
}
