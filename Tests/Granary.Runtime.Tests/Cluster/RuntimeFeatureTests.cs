using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Granary.Runtime.Messaging;
using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Cluster;

/// <summary>Interleaving attributes, one-way calls, idle collection, client fail-over, metrics, protocol versions.</summary>
public sealed class RuntimeFeatureTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(new TestClusterOptions
    {
        InitialSilosCount = 2,
        ConfigureCollection = c =>
        {
            c.CollectionAge = TimeSpan.FromMilliseconds(500);
            c.CollectionQuantum = TimeSpan.FromMilliseconds(200);
        },
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_always_interleave_method_runs_while_a_turn_awaits()
    {
        var grain = _cluster.GrainFactory.GetGrain<IReentrancyGrain>("interleave");
        var holding = grain.Hold(1000);
        await Task.Delay(200);

        var seen = await grain.Peek().WaitAsync(TimeSpan.FromMilliseconds(700));

        Assert.Equal(1, seen);
        await holding;
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_turns_and_a_plain_one_does_not()
    {
        var reentrant = _cluster.GrainFactory.GetGrain<IReentrantGrain>("r");
        var plain = _cluster.GrainFactory.GetGrain<IReentrancyGrain>("p");

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => reentrant.Hold(200)));
        var plainResults = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => plain.Hold(20)));

        Assert.True(await reentrant.MaxConcurrent() > 1);
        Assert.All(plainResults, r => Assert.Equal(0, r));
    }

    [Fact]
    public async Task One_way_calls_return_at_once_and_are_delivered()
    {
        var grain = _cluster.Silos[0].Silo.GrainFactory.GetGrain<IReentrancyGrain>("oneway");

        await grain.Signal("a");
        await grain.Signal("b");

        await ClusterTests.WaitUntilAsync(async () => (await grain.Signals()).Count == 2);
        Assert.Equal(["a", "b"], await grain.Signals());
    }

    [Fact]
    public async Task An_idle_activation_is_collected_and_a_later_call_gets_a_new_one()
    {
        var grain = _cluster.GrainFactory.GetGrain<IIdleGrain>("idle");
        var first = await grain.Instance();

        await Task.Delay(1500);

        Assert.NotEqual(first, await grain.Instance());
    }

    [Fact]
    public async Task The_client_keeps_working_when_a_gateway_dies()
    {
        var client = _cluster.Client;
        Assert.Equal(2, client.ConnectedGateways);

        await _cluster.KillSiloAsync(_cluster.Silos[1]);
        var results = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            results.Add(await ClusterTests.RetryAsync(() => client.GetGrain<IEchoGrain>(100 + i).Echo(i)));
        }

        Assert.Equal(Enumerable.Range(0, 20), results);
        Assert.Equal(1, client.ConnectedGateways);
    }

    [Fact]
    public async Task Calls_are_counted_per_method_on_the_runtime_meter()
    {
        var calls = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Granary.Runtime" && instrument.Name == "granary.grain.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "method" && (string?)tag.Value == "IEchoGrain.Echo")
                {
                    Interlocked.Add(ref calls, value);
                }
            }
        });
        listener.Start();

        var grain = _cluster.Silos[0].Silo.GrainFactory.GetGrain<IEchoGrain>(5);
        for (var i = 0; i < 10; i++)
        {
            await grain.Echo(i);
        }

        Assert.True(Interlocked.Read(ref calls) >= 10);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 2, 1)]
    [InlineData(0, 1, 1)]
    public void Peers_of_overlapping_versions_agree_on_the_highest_common_one(byte peerMin, byte peerMax, byte expected) =>
        Assert.Equal(expected, ProtocolVersion.Negotiate(peerMin, peerMax));

    [Fact]
    public void Peers_without_a_common_version_do_not_agree() => Assert.Null(ProtocolVersion.Negotiate(2, 3));
}

/// <summary>Configuration errors are reported when the silo starts, naming the option.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public async Task A_silo_with_an_impossible_configuration_fails_to_start_naming_the_option()
    {
        var builder = new Microsoft.Extensions.Hosting.HostApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddGranarySilo();
        builder.Services.Configure<Configuration.MessagingOptions>(o => o.ResponseTimeout = TimeSpan.Zero);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("MessagingOptions.ResponseTimeout must be positive", error.Message);
    }
}

/// <summary>Silo addresses given as host names, and what a wildcard listener advertises.</summary>
public sealed class SiloNetworkTests
{
    [Fact]
    public async Task A_silo_configured_with_host_names_listens_and_advertises_the_resolved_address()
    {
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { InitialSilosCount = 1 });
        var named = await cluster.StartSiloAsync(o =>
        {
            o.ListenAddress = "localhost";
            o.AdvertisedAddress = "localhost";
        });
        await cluster.WaitForLivenessToStabilizeAsync();

        Assert.True(System.Net.IPAddress.IsLoopback(named.Address.Endpoint!.Address), $"advertised {named.Address.Endpoint}");
        // A grain that must live on that silo answers through the advertised address.
        Assert.Equal(named.Name, await ClusterTests.RetryAsync(() => cluster.Client.GetGrain<IEdgeGrain>(named.Name).Where()));
    }

    [Fact]
    public void Ip_addresses_are_taken_as_they_are_and_host_names_resolved()
    {
        Assert.Equal(System.Net.IPAddress.Parse("127.0.0.2"), Configuration.SiloNetwork.Resolve("127.0.0.2", "X"));
        Assert.True(System.Net.IPAddress.IsLoopback(Configuration.SiloNetwork.Resolve("localhost", "X")));
    }

    [Fact]
    public void A_wildcard_listener_advertises_an_address_others_can_dial()
    {
        Assert.Equal(System.Net.IPAddress.Loopback, Configuration.SiloNetwork.Advertisable(System.Net.IPAddress.Loopback));
        foreach (var wildcard in new[] { System.Net.IPAddress.Any, System.Net.IPAddress.IPv6Any })
        {
            var advertised = Configuration.SiloNetwork.Advertisable(wildcard);
            Assert.False(advertised.Equals(System.Net.IPAddress.Any) || advertised.Equals(System.Net.IPAddress.IPv6Any), $"advertised {advertised}");
            Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, advertised.AddressFamily);
        }
    }
}
