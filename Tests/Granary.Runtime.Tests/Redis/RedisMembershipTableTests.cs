using System.Net;
using Granary.Runtime.Membership;
using Granary.Runtime.Redis;
using Granary.Runtime.Redis.Membership;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisMembershipTableTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly RedisConnectionSource _connection = new(redis.ConnectionString, NullLoggerFactory.Instance);
    private RedisMembershipTable _table = null!;

    public Task InitializeAsync()
    {
        _table = new RedisMembershipTable(_connection, "test", "cluster-" + Guid.NewGuid().ToString("N")[..8]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task Inserting_the_same_silo_twice_fails_the_second_time_and_keeps_the_first_row()
    {
        var entry = Entry("a", SiloStatus.Joining);

        Assert.True(await _table.InsertRowAsync(entry));
        Assert.False(await _table.InsertRowAsync(entry with { Status = SiloStatus.Active }));

        var row = Assert.Single((await _table.ReadAllAsync()).Entries);
        Assert.Equal(SiloStatus.Joining, row.Entry.Status);
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_fails_and_changes_nothing()
    {
        var entry = Entry("a", SiloStatus.Joining);
        await _table.InsertRowAsync(entry);
        var read = Assert.Single((await _table.ReadAllAsync()).Entries);
        Assert.True(await _table.UpdateRowAsync(entry with { Status = SiloStatus.Active }, read.ETag));

        Assert.False(await _table.UpdateRowAsync(entry with { Status = SiloStatus.Dead }, read.ETag));

        var now = Assert.Single((await _table.ReadAllAsync()).Entries);
        Assert.Equal(SiloStatus.Active, now.Entry.Status);
        Assert.NotEqual(read.ETag, now.ETag);
    }

    [Fact]
    public async Task An_update_of_a_missing_row_fails()
    {
        Assert.False(await _table.UpdateRowAsync(Entry("ghost", SiloStatus.Active), "1"));
        Assert.Empty((await _table.ReadAllAsync()).Entries);
    }

    [Fact]
    public async Task Every_insert_and_update_increases_the_table_version()
    {
        var v0 = (await _table.ReadAllAsync()).Version;
        var a = Entry("a", SiloStatus.Joining);
        await _table.InsertRowAsync(a);
        var v1 = (await _table.ReadAllAsync()).Version;
        await _table.InsertRowAsync(Entry("b", SiloStatus.Joining));
        var snapshot = await _table.ReadAllAsync();
        await _table.UpdateRowAsync(a with { Status = SiloStatus.Active }, snapshot.Entries.Single(e => e.Entry.Silo.Name == "a").ETag);
        var v3 = (await _table.ReadAllAsync()).Version;

        Assert.True(v0 < v1 && v1 < snapshot.Version && snapshot.Version < v3, $"versions {v0}, {v1}, {snapshot.Version}, {v3}");
    }

    [Fact]
    public async Task A_row_round_trips_with_every_field()
    {
        var entry = Entry("a", SiloStatus.Active) with
        {
            Roles = ["controller", "node"],
            Labels = new Dictionary<string, string> { ["zone"] = "eu-1" },
            Suspicions = [new SuspicionVote("b", 42, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123))],
        };
        await _table.InsertRowAsync(entry);

        var read = Assert.Single((await _table.ReadAllAsync()).Entries).Entry;

        Assert.Equal(entry.Silo, read.Silo);
        Assert.Equal(entry.Silo.Endpoint, read.Silo.Endpoint);
        Assert.Equal(entry.Roles, read.Roles);
        Assert.Equal("eu-1", read.Labels["zone"]);
        Assert.Equal(entry.Suspicions, read.Suspicions);
        Assert.Equal(entry.StartTime, read.StartTime);
        Assert.Equal(entry.IAmAliveTime, read.IAmAliveTime);
    }

    [Fact]
    public async Task I_am_alive_changes_the_alive_time_but_not_the_etag_or_the_version()
    {
        var entry = Entry("a", SiloStatus.Active);
        await _table.InsertRowAsync(entry);
        var before = await _table.ReadAllAsync();
        var later = entry.IAmAliveTime.AddMinutes(5);

        await _table.UpdateIAmAliveAsync(entry.Silo, later);

        var after = await _table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Entries[0].ETag, after.Entries[0].ETag);
        Assert.Equal(later, after.Entries[0].Entry.IAmAliveTime);
        Assert.True(await _table.UpdateRowAsync(entry with { Status = SiloStatus.ShuttingDown }, before.Entries[0].ETag));
        Assert.Equal(later, (await _table.ReadAllAsync()).Entries[0].Entry.IAmAliveTime);
    }

    [Fact]
    public async Task I_am_alive_for_a_silo_without_a_row_writes_nothing()
    {
        await _table.UpdateIAmAliveAsync(Entry("ghost", SiloStatus.Active).Silo, DateTimeOffset.UtcNow);

        Assert.Empty((await _table.ReadAllAsync()).Entries);
        Assert.Empty(await redis.Database.HashGetAllAsync(_table.Key));
    }

    [Fact]
    public async Task Cleanup_deletes_only_dead_rows_older_than_the_cutoff()
    {
        var now = DateTimeOffset.UtcNow;
        await _table.InsertRowAsync(Entry("old-dead", SiloStatus.Dead) with { IAmAliveTime = now.AddHours(-2) });
        await _table.InsertRowAsync(Entry("new-dead", SiloStatus.Dead) with { IAmAliveTime = now });
        await _table.InsertRowAsync(Entry("old-active", SiloStatus.Active) with { IAmAliveTime = now.AddHours(-2) });

        await _table.CleanupDefunctEntriesAsync(now.AddHours(-1));

        var names = (await _table.ReadAllAsync()).Entries.Select(e => e.Entry.Silo.Name).Order().ToList();
        Assert.Equal(["new-dead", "old-active"], names);
        Assert.DoesNotContain(await redis.Database.HashGetAllAsync(_table.Key), f => f.Key.Contains("old-dead", StringComparison.Ordinal));
    }

    private static MembershipEntry Entry(string name, SiloStatus status) => new()
    {
        Silo = new SiloAddress(name, new IPEndPoint(IPAddress.Loopback, 11111), 638_000_000_000_000_123),
        Status = status,
        StartTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
        IAmAliveTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000),
    };
}
