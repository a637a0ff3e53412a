namespace Granary.Runtime.Membership;

/// <summary>A row with the version tag it had when read; updates compare it.</summary>
public sealed record VersionedEntry(MembershipEntry Entry, string ETag);

/// <summary>The whole table as read at one moment, with its version (increased by every insert or update).</summary>
public sealed record MembershipSnapshot(IReadOnlyList<VersionedEntry> Entries, long Version);

/// <summary>
/// The shared membership table (in memory for one process, Redis for real clusters). Insert and update are
/// compare-and-set: they return false, changing nothing, when the row exists (insert) or its ETag changed (update).
/// </summary>
public interface IMembershipTable
{
    Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default);

    Task<bool> InsertRowAsync(MembershipEntry entry, CancellationToken cancellationToken = default);

    Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, CancellationToken cancellationToken = default);

    /// <summary>Updates only the "I am alive" time of the row, without a version check.</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>Deletes rows of dead silos older than <paramref name="before"/>.</summary>
    Task CleanupDefunctEntriesAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
