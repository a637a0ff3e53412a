using System.Diagnostics;
using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class ReconnectTests
{
    private static void FastReconnect(RedisOptions o)
    {
        o.CommandTimeout = TimeSpan.FromSeconds(3);
        o.ReconnectMinDelay = TimeSpan.FromMilliseconds(20);
        o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
    }

    [Fact]
    public async Task A_stream_of_commands_across_a_server_restart_each_completes_or_fails_with_a_redis_error_and_none_is_lost()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync(o =>
        {
            FastReconnect(o);
            o.Database = 2;
        });
        var db = connection.GetDatabase();

        var commands = new List<(int Value, Task<long> Push)>();
        var clock = Stopwatch.StartNew();
        TimeSpan? restartedAt = null;
        for (var i = 0; restartedAt is null || clock.Elapsed - restartedAt < TimeSpan.FromSeconds(1); i++)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the run is bounded");
            commands.Add((i, db.ListRightPushAsync("stream", i).AsTask()));
            if (restartedAt is null && clock.Elapsed > TimeSpan.FromMilliseconds(300) && commands[0].Push.IsCompletedSuccessfully)
            {
                server.Kill();
                await Task.Delay(150);
                await server.RestartAsync();
                restartedAt = clock.Elapsed;
            }

            await Task.Delay(1);
        }

        // No hang: every command finishes, long before its timeout plus slack.
        await Task.WhenAll(commands.Select(c => c.Push.ContinueWith(static _ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(10));

        var outcomes = commands.Select(c => (c.Value, Length: c.Push.IsCompletedSuccessfully ? c.Push.Result : (long?)null, Error: c.Push.Exception?.InnerException)).ToList();
        Assert.All(outcomes.Where(o => o.Error is not null), o =>
        {
            Assert.True(o.Error is RedisConnectionException or RedisTimeoutException, $"unexpected {o.Error}");
            Assert.Contains("RPUSH", o.Error!.Message, StringComparison.Ordinal);
        });

        // Replies are lengths of the list. The new server starts from an empty list (no persistence), so the
        // successes split into a run on the old server and a run on the new one, each counting 1, 2, 3...
        var successes = outcomes.Where(o => o.Length is not null).ToList();
        var split = Enumerable.Range(1, Math.Max(0, successes.Count - 1)).FirstOrDefault(i => successes[i].Length <= successes[i - 1].Length);
        Assert.True(split > 0, $"some commands succeeded before and after the restart; outcomes: {string.Join(", ", outcomes.Select(o => o.Length?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? o.Error!.GetType().Name).Distinct())}; {outcomes.FirstOrDefault(o => o.Error is not null).Error?.Message}");
        Assert.Equal(Enumerable.Range(1, split).Select(i => (long)i), successes.Take(split).Select(s => s.Length!.Value));
        var afterRestart = successes.Skip(split).ToList();
        Assert.Equal(Enumerable.Range(1, afterRestart.Count).Select(i => (long)i), afterRestart.Select(s => s.Length!.Value));

        // Every success reported after the restart is really in the new server's list, in order, and in database 2.
        var stored = await db.ListRangeAsync("stream");
        Assert.Equal(afterRestart.Select(s => (long)s.Value), stored.Select(v => (long)v));
        await using var db0 = await server.ConnectAsync();
        Assert.False(await db0.GetDatabase().KeyExistsAsync("stream"));

        // And the client works normally afterwards.
        Assert.True(await db.StringSetAsync("after", "restart"));
        Assert.Equal("restart", (string?)await db.StringGetAsync("after"));
    }

    [Fact]
    public async Task Under_heavy_pipelined_load_a_restart_leaves_no_command_hanging_or_silently_dropped()
    {
        const int callerCount = 8;
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync(FastReconnect);
        var db = connection.GetDatabase();
        using var stop = new CancellationTokenSource();
        var issued = Enumerable.Range(0, callerCount).Select(_ => new List<Task<long>>()).ToArray();

        var callers = Enumerable.Range(0, callerCount).Select(caller => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var window = Enumerable.Range(0, 100).Select(i => db.StringIncrementAsync($"load:{caller}").AsTask()).ToArray();
                issued[caller].AddRange(window);
                await Task.WhenAll(window.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default)));
            }
        })).ToArray();

        await Task.Delay(300);
        server.Kill();
        await Task.Delay(100);
        await server.RestartAsync();
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(10));

        for (var caller = 0; caller < callerCount; caller++)
        {
            var tasks = issued[caller];
            Assert.All(tasks, t => Assert.True(t.IsCompleted));
            Assert.All(tasks.Where(t => t.IsFaulted), t =>
                Assert.True(t.Exception!.InnerException is RedisConnectionException or RedisTimeoutException, $"unexpected {t.Exception}"));

            // INCR replies count 1, 2, 3... on the old server, then again from 1 on the empty new server. The
            // counter on the new server must equal the last reported value: nothing ran there unreported.
            var values = tasks.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList();
            var split = Enumerable.Range(1, Math.Max(0, values.Count - 1)).FirstOrDefault(i => values[i] <= values[i - 1]);
            Assert.True(split > 0, $"caller {caller} succeeded before and after the restart");
            Assert.Equal(Enumerable.Range(1, split).Select(i => (long)i), values.Take(split));
            var afterRestart = values.Skip(split).ToList();
            Assert.Equal(Enumerable.Range(1, afterRestart.Count).Select(i => (long)i), afterRestart);
            Assert.Equal(afterRestart[^1], (long)await db.StringGetAsync($"load:{caller}"));
        }

        Assert.True(await db.StringSetAsync("after-load", 1));
    }

    [Fact]
    public async Task Commands_in_flight_when_the_server_dies_fail_with_a_connection_exception_naming_them()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync(FastReconnect);
        var db = connection.GetDatabase();

        var sleeping = db.ExecuteAsync("DEBUG", ["SLEEP", "2"]).AsTask();
        var behind = db.StringGetAsync("queued-behind-sleep").AsTask();
        await WaitUntilAsync(() => connection.Core.InFlightCount >= 2);
        server.Kill();

        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => sleeping.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("DEBUG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("may have executed", ex.Message, StringComparison.Ordinal);
        var ex2 = await Assert.ThrowsAsync<RedisConnectionException>(() => behind.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("GET", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_issued_while_the_server_is_down_wait_and_run_after_it_returns()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync(FastReconnect);
        var db = connection.GetDatabase();
        server.Kill();
        await WaitUntilAsync(() => !connection.IsConnected);

        var whileDown = db.StringSetAsync("queued-while-down", "sent-later").AsTask();
        await Task.Delay(200);
        Assert.False(whileDown.IsCompleted);
        await server.RestartAsync();

        Assert.True(await whileDown.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("sent-later", (string?)await db.StringGetAsync("queued-while-down"));
    }

    [Fact]
    public async Task Commands_issued_while_the_server_stays_down_time_out_saying_they_were_never_sent()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync(o =>
        {
            FastReconnect(o);
            o.CommandTimeout = TimeSpan.FromMilliseconds(300);
        });
        server.Kill();
        await WaitUntilAsync(() => !connection.IsConnected);

        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(async () => await connection.GetDatabase().StringGetAsync("k").AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(ex.WasSent);
        Assert.Equal("GET", ex.Command);
        Assert.Contains("GET was never sent because the connection", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is down", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscriptions_are_restored_after_the_server_restarts()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync(FastReconnect);
        var subscriber = connection.GetSubscriber();
        await using var channel = await subscriber.SubscribeAsync("events");
        await using var pattern = await subscriber.PatternSubscribeAsync("metrics:*");

        server.Kill();
        await Task.Delay(100);
        await server.RestartAsync();

        // Publish until the subscriber connection is back and resubscribed (bounded).
        var clock = Stopwatch.StartNew();
        long receivers = 0;
        while (receivers < 1 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                receivers = await subscriber.PublishAsync("events", "back");
            }
            catch (RedisException)
            {
                // The command connection may still be reconnecting.
            }

            await Task.Delay(20);
        }

        Assert.Equal(1, receivers);
        Assert.Equal(1, await subscriber.PublishAsync("metrics:cpu", "1"));
        Assert.Equal("back", (string?)(await channel.Messages.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Payload);
        Assert.Equal("metrics:cpu", (await pattern.Messages.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Channel);
    }

    [Fact]
    public async Task A_transaction_whose_watch_was_lost_in_a_reconnect_is_not_sent()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync(FastReconnect);
        var db = connection.GetDatabase();
        await using var tx = db.CreateTransaction();
        await tx.WatchAsync(["watched"]);
        var set = tx.StringSetAsync("watched", "from-transaction");

        server.Kill();
        await WaitUntilAsync(() => !connection.IsConnected);
        await server.RestartAsync();
        await WaitUntilAsync(() => connection.IsConnected);

        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => tx.ExecuteAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("re-established after WATCH", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RedisConnectionException>(() => set);
        Assert.False(await db.KeyExistsAsync("watched"));
    }

    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_fails_within_the_connect_timeout()
    {
        await using var server = await RedisServer.StartAsync();
        server.Kill();
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(server.Options(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(500))));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3));
        Assert.Contains($"127.0.0.1:{server.Port}", ex.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "condition not reached within 5 s");
            await Task.Delay(10);
        }
    }
}
