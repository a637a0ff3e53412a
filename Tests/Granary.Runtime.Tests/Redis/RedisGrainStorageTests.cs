using Granary.Persistence;
using Granary.Runtime.Redis;
using Granary.Runtime.Redis.Persistence;
using Granary.Runtime.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Tests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisGrainStorageTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly RedisConnectionSource _connectionA = new(redis.ConnectionString, NullLoggerFactory.Instance);
    private readonly RedisConnectionSource _connectionB = new(redis.ConnectionString, NullLoggerFactory.Instance);
    private readonly string _prefix = "test-state-" + Guid.NewGuid().ToString("N")[..8];
    private readonly GrainId _grain = new("counter", "c1");
    private RedisGrainStorage _storageA = null!;
    private RedisGrainStorage _storageB = null!;

    public Task InitializeAsync()
    {
        _storageA = new RedisGrainStorage("A", _connectionA, _prefix);
        _storageB = new RedisGrainStorage("B", _connectionB, _prefix);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _connectionA.DisposeAsync();
        await _connectionB.DisposeAsync();
    }

    [Fact]
    public async Task A_missing_record_reads_as_a_default_state_without_etag()
    {
        var state = new TestGrainState<Counter>();

        await _storageA.ReadStateAsync("counter", _grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.Etag);
        Assert.Equal(0, state.State.Value);
    }

    [Fact]
    public async Task A_written_state_reads_back_with_its_etag()
    {
        var written = new TestGrainState<Counter> { State = new Counter { Value = 7, Name = "seven" } };
        await _storageA.WriteStateAsync("counter", _grain, written);

        var read = new TestGrainState<Counter>();
        await _storageB.ReadStateAsync("counter", _grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.Etag, read.Etag);
        Assert.Equal(7, read.State.Value);
        Assert.Equal("seven", read.State.Name);
    }

    [Fact]
    public async Task Two_writers_racing_on_one_state_exactly_one_wins_and_the_other_gets_an_inconsistent_state_error()
    {
        for (var round = 0; round < 20; round++)
        {
            var seed = new TestGrainState<Counter>();
            await _storageA.ReadStateAsync("race", _grain, seed);
            var one = new TestGrainState<Counter> { State = new Counter { Value = 1 }, Etag = seed.Etag };
            var two = new TestGrainState<Counter> { State = new Counter { Value = 2 }, Etag = seed.Etag };
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writes = new[]
            {
                Task.Run(async () => { await start.Task; await _storageA.WriteStateAsync("race", _grain, one); }),
                Task.Run(async () => { await start.Task; await _storageB.WriteStateAsync("race", _grain, two); }),
            };
            start.SetResult();
            await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

            Assert.Equal(1, writes.Count(t => t.IsCompletedSuccessfully));
            Assert.Equal(1, writes.Count(t => t.IsFaulted));
            var loser = writes.Single(t => t.IsFaulted);
            var error = Assert.IsType<InconsistentStateException>(loser.Exception!.InnerException);
            var winner = writes[0].IsCompletedSuccessfully ? one : two;
            Assert.Equal(winner.Etag, error.StoredEtag);
            Assert.Equal(seed.Etag, error.CurrentEtag);

            var stored = new TestGrainState<Counter>();
            await _storageA.ReadStateAsync("race", _grain, stored);
            Assert.Equal(winner.State.Value, stored.State.Value);
            Assert.Equal(winner.Etag, stored.Etag);
        }
    }

    [Fact]
    public async Task The_conflict_message_names_the_state_the_grain_and_both_etags()
    {
        var first = new TestGrainState<Counter> { State = new Counter { Value = 1 } };
        await _storageA.WriteStateAsync("named", _grain, first);
        var stale = new TestGrainState<Counter> { State = new Counter { Value = 2 }, Etag = "stale-etag" };

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => _storageB.WriteStateAsync("named", _grain, stale));

        Assert.Contains("'named'", error.Message, StringComparison.Ordinal);
        Assert.Contains(_grain.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(first.Etag!, error.Message, StringComparison.Ordinal);
        Assert.Contains("stale-etag", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_record_that_another_writer_created_first_fails()
    {
        await _storageA.WriteStateAsync("create", _grain, new TestGrainState<Counter> { State = new Counter { Value = 1 } });

        var error = await Assert.ThrowsAsync<InconsistentStateException>(
            () => _storageB.WriteStateAsync("create", _grain, new TestGrainState<Counter> { State = new Counter { Value = 2 } }));

        Assert.Null(error.CurrentEtag);
        Assert.NotNull(error.StoredEtag);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_fails_and_keeps_the_record()
    {
        var state = new TestGrainState<Counter> { State = new Counter { Value = 3 } };
        await _storageA.WriteStateAsync("clear", _grain, state);
        var stale = new TestGrainState<Counter> { Etag = "stale" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storageB.ClearStateAsync("clear", _grain, stale));
        Assert.True(await redis.Database.KeyExistsAsync(_storageA.StateKey("clear", _grain)));

        await _storageA.ClearStateAsync("clear", _grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.Etag);
        Assert.False(await redis.Database.KeyExistsAsync(_storageA.StateKey("clear", _grain)));
    }

    public sealed class Counter
    {
        public int Value { get; set; }

        public string? Name { get; set; }
    }
}
