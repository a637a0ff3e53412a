using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Granary.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Granary.Benchmarks.Suites;

/// <summary>A grain living on the silo its key names, so the benchmark controls local versus remote calls.</summary>
public interface IBenchEchoGrain : IGrainWithStringKey
{
    Task<byte[]> Echo(byte[] payload);

    Task<int> Add(int a, int b);
}

[Granary.Grains.Nodes.NodeSiloPlacement]
public sealed class BenchEchoGrain : Grain, IBenchEchoGrain
{
    public Task<byte[]> Echo(byte[] payload) => Task.FromResult(payload);

    public Task<int> Add(int a, int b) => Task.FromResult(a + b);
}

/// <summary>
/// Orleans as the platform configures it: two silo hosts in this process, each built as the Granary host builds one
/// (<c>UseOrleans</c>, development clustering, TCP on loopback between them). Grain call latency and throughput on
/// one silo and across the two, with a raw TCP echo of the same payload measured in the same run as the yardstick for
/// the cross-silo figure.
/// </summary>
public sealed class RuntimeSuite : IBenchmarkSuite
{
    private const int PayloadBytes = 64;

    public string Name => "runtime";

    public async Task RunAsync(string[] args, BenchReport report, CancellationToken cancellationToken)
    {
        var primary = new IPEndPoint(IPAddress.Loopback, FreePort());
        using var a = await StartSiloAsync("bench-a", primary, primary.Port, cancellationToken);
        using var b = await StartSiloAsync("bench-b", primary, FreePort(), cancellationToken);
        var grains = a.Services.GetRequiredService<IGrainFactory>();
        var local = grains.GetGrain<IBenchEchoGrain>("bench-a");
        var remote = grains.GetGrain<IBenchEchoGrain>("bench-b");
        var payload = new byte[PayloadBytes];
        Random.Shared.NextBytes(payload);

        report.Note("local call latency...");
        var localMedian = await MedianLatencyUsAsync(() => local.Add(1, 2), 300_000, cancellationToken);
        report.Lower("local_call_median_us", localMedian, "us");

        report.Note("local call throughput...");
        var localRate = await ThroughputAsync(grains, "bench-a", TimeSpan.FromSeconds(5), cancellationToken);
        report.Higher("local_calls_per_s", localRate, "calls/s");

        report.Note("raw TCP echo round trip...");
        var echoMedian = await TcpEchoMedianUsAsync(PayloadBytes, 50_000, cancellationToken);

        report.Note("cross-silo call latency...");
        var remoteMedian = await MedianLatencyUsAsync(() => remote.Echo(payload), 50_000, cancellationToken);
        report.Lower("remote_call_median_us", remoteMedian, "us", echoMedian);
        report.Lower("tcp_echo_median_us", echoMedian, "us");
        await b.StopAsync(CancellationToken.None);
        await a.StopAsync(CancellationToken.None);
    }

    /// <summary>A silo host named <paramref name="name"/> on loopback, joining the cluster whose primary silo listens at <paramref name="primary"/>.</summary>
    private static async Task<IHost> StartSiloAsync(string name, IPEndPoint primary, int siloPort, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, FreePort(), primary, "bench", "bench");
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.AddGranaryOrchestrator();
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<double> MedianLatencyUsAsync<T>(Func<Task<T>> call, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < Math.Min(20_000, count); i++)
        {
            await call();
        }

        var samples = new double[count];
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        return Stats.Median(samples);
    }

    private static async Task<double> ThroughputAsync(IGrainFactory factory, string siloName, TimeSpan duration, CancellationToken cancellationToken)
    {
        // Calls stay on one silo: each worker calls the local grain in a loop.
        var grain = factory.GetGrain<IBenchEchoGrain>(siloName);
        long total = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, Environment.ProcessorCount * 4).Select(_ => Task.Run(async () =>
        {
            long n = 0;
            while (!stop.IsCancellationRequested)
            {
                await grain.Add(1, 2);
                n++;
            }

            Interlocked.Add(ref total, n);
        })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        Interlocked.Exchange(ref total, 0);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(duration, cancellationToken);
        stop.Cancel();
        await Task.WhenAll(workers);
        return total / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Round trip of a length-prefixed frame over a loopback TCP connection, with an async echo server.</summary>
    private static async Task<double> TcpEchoMedianUsAsync(int payloadBytes, int count, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var server = Task.Run(async () =>
        {
            using var s = await listener.AcceptAsync(cancellationToken);
            s.NoDelay = true;
            var buffer = new byte[payloadBytes];
            while (true)
            {
                var read = 0;
                while (read < buffer.Length)
                {
                    var n = await s.ReceiveAsync(buffer.AsMemory(read), cancellationToken);
                    if (n == 0)
                    {
                        return;
                    }

                    read += n;
                }

                await s.SendAsync(buffer, cancellationToken);
            }
        }, cancellationToken);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, cancellationToken);
        var frame = new byte[payloadBytes];
        var reply = new byte[payloadBytes];
        async Task<int> RoundTrip()
        {
            await client.SendAsync(frame, cancellationToken);
            var read = 0;
            while (read < reply.Length)
            {
                read += await client.ReceiveAsync(reply.AsMemory(read), cancellationToken);
            }

            return read;
        }

        var median = await MedianLatencyUsAsync(RoundTrip, count, cancellationToken);
        client.Shutdown(SocketShutdown.Both);
        await server;
        return median;
    }
}
