using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Granary.Grains.Proxy.Redis;
using Granary.Testing;
using Orleans.Streams;
using StackExchange.Redis;

namespace Granary.Benchmarks.Suites;

/// <summary>
/// The <c>redis</c> suite: pipelined SET/GET throughput of StackExchange.Redis as the platform uses it (a
/// <c>redis://</c> URL read by <see cref="RedisUrl"/>, the process's shared multiplexer from
/// <see cref="RedisConnectionRegistry"/>), against <c>redis-benchmark -q -P 16 -t set,get</c> on the same server in the same run.
/// Starts its own redis-server on a free loopback port and stops it at the end.
/// </summary>
public sealed partial class RedisSuite : IBenchmarkSuite
{
    private const int Workers = 16;
    private const int Window = 256;
    private const int Rounds = 5;
    private static readonly TimeSpan RoundDuration = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public string Name => "redis";

    /// <inheritdoc/>
    public async Task RunAsync(string[] args, BenchReport report, CancellationToken cancellationToken)
    {
        await using var server = await RedisServerProcess.StartAsync();
        var port = server.Port;
        await using var connections = new RedisConnectionRegistry();
        var db = await connections.GetDatabaseAsync(server.ConnectionString, cancellationToken);
        await MeasureAsync(db, TimeSpan.FromSeconds(2), cancellationToken);

        // Alternate yardstick and client rounds so that load from other processes on the machine affects both
        // alike; report the medians.
        var baselines = new List<double>();
        var samples = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var (set, get) = await RunRedisBenchmarkAsync(port, cancellationToken);
            baselines.Add((set + get) / 2);
            var opsPerSecond = await MeasureAsync(db, RoundDuration, cancellationToken);
            samples.Add(opsPerSecond);
            report.Note(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: redis-benchmark -P 16 SET {set:0} GET {get:0} requests/s; StackExchange.Redis pipelined SET/GET ({Workers} callers x {Window} in flight, one connection) {opsPerSecond:0} ops/s"));
        }

        report.Higher("pipelined_setget_per_s", Stats.Median(samples), "ops/s", Stats.Median(baselines));

        report.Note("events through the Redis stream provider...");
        var options = Granary.Grains.Redis.RedisUrl.Parse(server.ConnectionString);
        var onRedis = await StreamEventsPerSecondAsync(
            s => s.AddRedisStreams(EventsProvider, o => o.ConfigurationOptions = options), c => c.AddRedisStreams(EventsProvider, o => o.ConfigurationOptions = options), cancellationToken);
        report.Note("the same through Orleans' memory streams (yardstick)...");
        var inMemory = await StreamEventsPerSecondAsync(s => s.AddMemoryStreams(EventsProvider), c => c.AddMemoryStreams(EventsProvider), cancellationToken);
        report.Higher("events_per_s", onRedis, "events/s", inMemory);
    }

    private const string EventsProvider = "bench-events";

    /// <summary>
    /// One publisher (a client, awaiting each event) to one subscriber (the same client, fed by the silo's pulling
    /// agent) through stream provider <see cref="EventsProvider"/> on a one-silo cluster: events per second from the
    /// first publication to the last delivery.
    /// </summary>
    private static async Task<double> StreamEventsPerSecondAsync(Action<ISiloBuilder> silo, Action<IClientBuilder> client, CancellationToken cancellationToken)
    {
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { InitialSilosCount = 1, ConfigureSilo = silo, ConfigureClient = client });
        var stream = cluster.Client.GetStreamProvider(EventsProvider).GetStream<int>(Orleans.Runtime.StreamId.Create("bench", "events"));
        const int count = 20_000;
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await stream.SubscribeAsync((_, _) =>
        {
            if (Interlocked.Increment(ref received) == count)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        });

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await stream.OnNextAsync(i);
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// Each caller issues <see cref="Window"/> SETs without awaiting, awaits them, then the same for GETs, so up
    /// to Workers x Window commands are pipelined on the one connection. Counts completed commands per second.
    /// </summary>
    private static async Task<double> MeasureAsync(IDatabase db, TimeSpan duration, CancellationToken cancellationToken)
    {
        var payload = new byte[3] { (byte)'x', (byte)'y', (byte)'z' };
        long total = 0;
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var keys = Enumerable.Range(0, Window).Select(i => (RedisKey)$"key:{worker}:{i}").ToArray();
            var sets = new Task<bool>[Window];
            var gets = new Task<RedisValue>[Window];
            long done = 0;
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                for (var i = 0; i < Window; i++)
                {
                    sets[i] = db.StringSetAsync(keys[i], payload);
                }

                for (var i = 0; i < Window; i++)
                {
                    await sets[i].ConfigureAwait(false);
                }

                for (var i = 0; i < Window; i++)
                {
                    gets[i] = db.StringGetAsync(keys[i]);
                }

                for (var i = 0; i < Window; i++)
                {
                    if ((await gets[i].ConfigureAwait(false)).IsNull)
                    {
                        throw new InvalidOperationException("GET returned nil for a key that was just SET.");
                    }
                }

                done += 2 * Window;
            }

            Interlocked.Add(ref total, done);
        }, cancellationToken)).ToArray();
        await Task.WhenAll(callers);
        return total / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double Set, double Get)> RunRedisBenchmarkAsync(int port, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("redis-benchmark")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-q", "-P", "16", "-t", "set,get", "-n", "200000"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-benchmark did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout + await stderr;

        // -q prints progress lines separated by '\r' and a final "SET: 722021.62 requests per second, ..." line.
        double Parse(string test)
        {
            var matches = ResultLine().Matches(output).Where(m => m.Groups["test"].Value == test).ToList();
            return matches.Count > 0
                ? double.Parse(matches[^1].Groups["rps"].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"redis-benchmark printed no {test} result: {output}");
        }

        return (Parse("SET"), Parse("GET"));
    }

    [GeneratedRegex(@"(?<test>SET|GET): (?<rps>[0-9.]+) requests per second")]
    private static partial Regex ResultLine();
}
