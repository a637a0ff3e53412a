using Granary.Grains.Events;
using Granary.Grains.Protection;
using Granary.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.TestingHost;

namespace Granary.Testing;

/// <summary>
/// An Orleans <see cref="InProcessTestCluster"/> configured as the platform's silos are: grain state in one store of
/// this cluster shared by every silo (so state outlives a killed silo, as it would in Redis), memory streams for
/// platform events, fast failure detection. Silos can be added one at a time, each with configuration of its own
/// (a node, an orchestrator), killed and stopped. <c>GRANARY_TEST_LOG=Debug</c> prints the silos' logs.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;
    private readonly List<TestSilo> _silos = [];
    private readonly Lock _nextLock = new();
    private Action<ISiloBuilder>? _next;

    private TestCluster(TestClusterOptions options)
    {
        var builder = new InProcessTestClusterBuilder(checked((short)options.InitialSilosCount));
        builder.Options.AssumeHomogenousSilosForTesting = false;
        builder.Options.GatewayPerSilo = true;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Configure(options.ConfigureMembership);
            silo.AddInProcessGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, Storage);
            silo.AddInProcessGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, Storage);
            silo.AddMemoryStreams(PlatformStreams.DefaultProvider);

            // Protection acts on the real usage of the machine running the tests: off unless a test turns it on.
            silo.Services.Configure<ProtectionOptions>(o => o.Enabled = false);
            options.ConfigureSilo?.Invoke(silo);
            Action<ISiloBuilder>? next;
            lock (_nextLock)
            {
                next = _next;
                _next = null;
            }

            next?.Invoke(silo);
        });
        builder.ConfigureSiloHost((_, host) => ConfigureLogging(host.Logging));
        builder.ConfigureClient(client =>
        {
            client.AddMemoryStreams(PlatformStreams.DefaultProvider);
            options.ConfigureClient?.Invoke(client);
        });
        _cluster = builder.Build();
    }

    /// <summary>The grain state of every silo of the cluster.</summary>
    public InProcessGrainStore Storage { get; } = new();

    /// <summary>The running silos, oldest first.</summary>
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

    /// <summary>The cluster's client (an Orleans client connected to the gateways).</summary>
    public IClusterClient Client => _cluster.Client;

    public IGrainFactory GrainFactory => Client;

    /// <summary>The cluster id, for clients of the cluster's gateways.</summary>
    public string ClusterId => _cluster.Options.ClusterId;

    /// <summary>The service id, for clients of the cluster's gateways.</summary>
    public string ServiceId => _cluster.Options.ServiceId;

    /// <summary>Starts a cluster of <see cref="TestClusterOptions.InitialSilosCount"/> silos and its client.</summary>
    public static async Task<TestCluster> StartAsync(TestClusterOptions? options = null)
    {
        var cluster = new TestCluster(options ?? new TestClusterOptions());
        try
        {
            await cluster._cluster.DeployAsync().ConfigureAwait(false);
            lock (cluster._silos)
            {
                cluster._silos.AddRange(cluster._cluster.Silos.Select(s => new TestSilo(s)));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts one more silo: <see cref="TestClusterOptions.ConfigureSilo"/>, then <paramref name="configureSilo"/>
    /// (for this silo only), then <paramref name="configure"/> on its <see cref="SiloOptions"/> (a name, say).
    /// </summary>
    public async Task<TestSilo> StartSiloAsync(Action<SiloOptions>? configure = null, Action<ISiloBuilder>? configureSilo = null)
    {
        lock (_nextLock)
        {
            _next = silo =>
            {
                configureSilo?.Invoke(silo);
                if (configure is not null)
                {
                    silo.Services.PostConfigure(configure);
                }
            };
        }

        var handle = await _cluster.StartAdditionalSiloAsync().ConfigureAwait(false);
        var silo = new TestSilo(handle);
        lock (_silos)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    /// <summary>Kills a silo abruptly: nothing of it is stopped in order, as when its process dies.</summary>
    public async Task KillSiloAsync(TestSilo silo)
    {
        silo.IsRunning = false;
        await _cluster.KillSiloAsync(silo.Handle).ConfigureAwait(false);
    }

    /// <summary>Stops a silo the orderly way (its grains deactivate, it leaves the cluster).</summary>
    public async Task StopSiloAsync(TestSilo silo)
    {
        silo.IsRunning = false;
        await _cluster.StopSiloAsync(silo.Handle).ConfigureAwait(false);
    }

    /// <summary>Waits until every running silo sees the same active silos.</summary>
    public Task WaitForLivenessToStabilizeAsync() => _cluster.WaitForLivenessToStabilizeAsync();

    public async ValueTask DisposeAsync()
    {
        lock (_silos)
        {
            _silos.ForEach(s => s.IsRunning = false);
        }

        await _cluster.DisposeAsync().ConfigureAwait(false);
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        if (Environment.GetEnvironmentVariable("GRANARY_TEST_LOG") is { Length: > 0 } level && Enum.TryParse<LogLevel>(level, out var min))
        {
            logging.SetMinimumLevel(min).AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
    }
}
