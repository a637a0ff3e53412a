using Granary.Persistence;
using Granary.Runtime.Client;
using Granary.Runtime.Configuration;
using Granary.Runtime.Hosting;
using Granary.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Testing;

/// <summary>
/// Several silos and a client in one process, talking over real loopback sockets, with shared in-memory
/// membership, directory and grain storage. Tests can add silos, stop them gracefully, kill them abruptly, or cut
/// them off the network.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<TestSilo> _silos = [];
    private int _siloCounter;

    private TestCluster(TestClusterOptions options)
    {
        _options = options;
    }

    /// <summary>The shared membership table and directory.</summary>
    public InMemoryClusterStore Store { get; } = new();

    /// <summary>The shared "Default" grain storage.</summary>
    public InMemoryGrainStorage Storage { get; } = new();

    /// <summary>Silos started and not stopped or killed.</summary>
    public IReadOnlyList<TestSilo> Silos
    {
        get
        {
            lock (_silos)
            {
                return _silos.Where(s => s.IsRunning).ToList();
            }
        }
    }

    /// <summary>A client connected to every silo that accepts connections.</summary>
    public ClusterClient Client { get; private set; } = null!;

    public IGrainFactory GrainFactory => Client;

    public static async Task<TestCluster> StartAsync(TestClusterOptions? options = null)
    {
        var cluster = new TestCluster(options ?? new TestClusterOptions());
        try
        {
            for (var i = 0; i < cluster._options.InitialSilosCount; i++)
            {
                await cluster.StartSiloAsync().ConfigureAwait(false);
            }

            await cluster.WaitForLivenessToStabilizeAsync().ConfigureAwait(false);
            cluster.Client = await cluster.ConnectClientAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new client connected to the running silos' gateways.</summary>
    public async Task<ClusterClient> ConnectClientAsync()
    {
        var gateways = Silos.Where(s => s.Address.Endpoint is not null).Select(s => s.Address.Endpoint!.ToString()).ToList();
        var client = new ClusterClient(new ClientOptions { ClusterId = _options.ClusterId, Gateways = gateways });
        await client.ConnectAsync().ConfigureAwait(false);
        return client;
    }

    /// <summary>Starts another silo; <paramref name="configure"/> can set roles, a name, or dial-out mode.</summary>
    public async Task<TestSilo> StartSiloAsync(Action<SiloOptions>? configure = null, Action<SiloBuilder>? configureSilo = null)
    {
        var name = "silo-" + Interlocked.Increment(ref _siloCounter);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<SiloOptions>(o =>
        {
            o.Name = name;
            o.ClusterId = _options.ClusterId;
            o.Port = 0;
            configure?.Invoke(o);
        });
        builder.Services.Configure(_options.ConfigureMembership);
        if (_options.ConfigureMessaging is { } messaging)
        {
            builder.Services.Configure(messaging);
        }

        if (_options.ConfigureCollection is { } collection)
        {
            builder.Services.Configure(collection);
        }

        builder.Services.AddGranarySilo(silo =>
        {
            silo.UseInMemoryClustering(Store);
            silo.AddMemoryGrainStorage(GrainStorageNames.Default, Storage);
            _options.ConfigureSilo?.Invoke(silo);
            configureSilo?.Invoke(silo);
        });
        if (Environment.GetEnvironmentVariable("GRANARY_TEST_LOG") is { Length: > 0 } level && Enum.TryParse<LogLevel>(level, out var min))
        {
            // Debugging aid: GRANARY_TEST_LOG=Debug prints silo logs to the console.
            builder.Logging.SetMinimumLevel(min).AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        }

        _options.ConfigureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        var silo = new TestSilo(host.Services.GetRequiredService<Silo>().Address.Name, host);
        lock (_silos)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    /// <summary>Stops a silo abruptly, as if its process died.</summary>
    public async Task KillSiloAsync(TestSilo silo)
    {
        silo.IsRunning = false;
        await silo.Silo.KillAsync().ConfigureAwait(false);
        await DisposeHostAsync(silo.Host).ConfigureAwait(false);
    }

    /// <summary>Stops a silo gracefully.</summary>
    public async Task StopSiloAsync(TestSilo silo)
    {
        silo.IsRunning = false;
        await silo.Host.StopAsync().ConfigureAwait(false);
        await DisposeHostAsync(silo.Host).ConfigureAwait(false);
    }

    /// <summary>Waits until every running silo sees exactly the running silos as active.</summary>
    public async Task WaitForLivenessToStabilizeAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var running = Silos.Where(s => !s.Silo.CutOff).Select(s => s.Address).Order().ToList();
            if (Silos.Where(s => !s.Silo.CutOff).All(s => s.Silo.ActiveSilos.SequenceEqual(running)))
            {
                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException("Cluster membership did not stabilise.");
    }

    private static ValueTask DisposeHostAsync(IHost host) => host is IAsyncDisposable d ? d.DisposeAsync() : ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var silo in Silos)
        {
            silo.IsRunning = false;
            try
            {
                await silo.Silo.KillAsync().ConfigureAwait(false);
            }
            finally
            {
                await DisposeHostAsync(silo.Host).ConfigureAwait(false);
            }
        }
    }
}
