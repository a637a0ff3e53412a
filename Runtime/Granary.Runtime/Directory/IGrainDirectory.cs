namespace Granary.Runtime.Directory;

/// <summary>
/// The cluster-wide map from grain to its single activation. <see cref="RegisterAsync"/> is a compare-and-set: it
/// stores <c>address</c> only when no entry exists or the entry equals <c>previous</c> (an entry the caller found
/// stale, for example on a dead silo), and always returns the entry that is registered afterwards: the caller won
/// if it is its own address.
/// </summary>
public interface IGrainDirectory
{
    Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previous, CancellationToken cancellationToken = default);

    Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry only if it is still <paramref name="address"/>.</summary>
    Task UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry that points to one of <paramref name="silos"/> (called when they are declared dead).</summary>
    Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default);
}
