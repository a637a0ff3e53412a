namespace Granary.Runtime.Membership;

/// <summary>
/// A membership table in process memory, shared by the silos of one process (the all-in-one host and
/// TestCluster). Thread-safe; every mutation bumps the table version and the row's ETag.
/// </summary>
public sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, (MembershipEntry Entry, long ETag)> _rows = [];
    private long _version;

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var entries = _rows.Values.Select(r => new VersionedEntry(r.Entry, r.ETag.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
            return Task.FromResult(new MembershipSnapshot(entries, _version));
        }
    }

    public Task<bool> InsertRowAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_rows.ContainsKey(entry.Silo))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = (entry, ++_version);
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(entry.Silo, out var row) || row.ETag.ToString(System.Globalization.CultureInfo.InvariantCulture) != etag)
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = (entry, ++_version);
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(silo, out var row))
            {
                _rows[silo] = (row.Entry with { IAmAliveTime = time }, row.ETag);
            }
        }

        return Task.CompletedTask;
    }

    public Task CleanupDefunctEntriesAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var key in _rows.Where(r => r.Value.Entry.Status == SiloStatus.Dead && r.Value.Entry.IAmAliveTime < before).Select(r => r.Key).ToList())
            {
                _rows.Remove(key);
            }
        }

        return Task.CompletedTask;
    }
}
