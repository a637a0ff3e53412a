using System.Net;
using Granary.Executors.Resources.Http;
using Granary.Grains.Controller;
using Granary.Grains.Domains;
using Granary.Grains.Events;
using Granary.Grains.Nodes;
using Granary.Grains.Protection;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using Granary.Hosting;
using Granary.Grains.Redis;
using Granary.Silo.Hosting;
using Granary.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Providers;
using StackExchange.Redis;

// The Granary host process. The role (controller, orchestrator, node, inabox) comes from --role, the
// Granary__Role environment variable, or appsettings.json. "inabox" runs orchestrator and node in one process with
// development clustering and in-process storage, streams and reminders (no external service) and deploys a sample
// workflow.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var role = builder.Configuration["role"] ?? builder.Configuration["Granary:Role"] ?? "inabox";
string[] known = ["inabox", "controller", "orchestrator", "node"];
if (!known.Contains(role, StringComparer.Ordinal))
{
    Console.Error.WriteLine($"granary-silo: unknown role '{role}'; expected one of: {string.Join(", ", known)}.");
    return 2;
}

var runsController = role is "inabox" or "controller";
var runsOrchestrator = role is "inabox" or "orchestrator";
var runsNode = role is "inabox" or "node";
if (role == "inabox")
{
    // The all-in-one host serves its node's /metrics and http-ingress on fixed loopback ports (Granary:Inabox:Node),
    // which Granary:Node settings override. Node-only hosts keep the endpoint off and the ingress on a free port.
    builder.Services.Configure<NodeOptions>(builder.Configuration.GetSection("Granary:Inabox:Node"));
    builder.Services.Configure<HttpIngressOptions>(builder.Configuration.GetSection("Granary:Inabox:Node:HttpIngress"));

    // One node has nowhere to shed to: protection would stop the sample whenever the machine is busy. It stays off
    // here unless Granary:Protection:Enabled=true (Granary:Inabox:Protection).
    builder.Services.Configure<ProtectionOptions>(builder.Configuration.GetSection("Granary:Inabox:Protection"));
}

// The dashboards (Orleans' and Granary's live pages) on one HTTP endpoint, Granary:Dashboard:Url; the all-in-one host
// serves them on http://127.0.0.1:8080 unless Granary:Dashboard:Enabled=false (Granary:Inabox:Dashboard).
var dashboard = builder.AddGranaryDashboard(role == "inabox" ? "Granary:Inabox:Dashboard" : null);
builder.Services.Configure<NodeOptions>(builder.Configuration.GetSection("Granary:Node"));
builder.Services.Configure<HttpIngressOptions>(builder.Configuration.GetSection("Granary:Node:HttpIngress"));
builder.Services.Configure<DomainOptions>(builder.Configuration.GetSection("Granary:Domain"));
builder.Services.Configure<ProtectionOptions>(builder.Configuration.GetSection("Granary:Protection"));
builder.Services.Configure<ProxyOptions>(builder.Configuration.GetSection("Granary:Proxy"));
builder.Services.Configure<SampleWorkflowOptions>(builder.Configuration.GetSection("Granary:Sample"));
// With Granary:Redis (a redis:// URL) silos of several processes form one cluster: membership, directory and grain
// state live in Redis. Without it, everything stays in this process.
var redis = builder.Configuration["Granary:Redis"];
// With Granary:Proxy:Type=Redis and Granary:Proxy:Url, an orchestrator mirrors its domain's state into that database
// and takes migrate and cordon intents from it (an unknown type stops the host with a message naming it).
var proxyType = builder.Configuration["Granary:Proxy:Type"];
var runsProxy = !string.IsNullOrEmpty(proxyType) && !string.Equals(proxyType, "None", StringComparison.OrdinalIgnoreCase);
var network = builder.Configuration.GetSection("Granary:Silo").Get<SiloNetworkOptions>() ?? new SiloNetworkOptions();
builder.UseOrleans(silo =>
{
    var listen = network.ResolveListenAddress();
    var siloPort = SiloNetworkOptions.PortOrFree(network.Port, listen);
    var gatewayPort = SiloNetworkOptions.PortOrFree(network.GatewayPort, listen);
    silo.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = network.ClusterId;
        o.ServiceId = network.ServiceId;
    });
    silo.Configure<EndpointOptions>(o =>
    {
        o.AdvertisedIPAddress = network.ResolveAdvertisedAddress();
        o.SiloPort = siloPort;
        o.GatewayPort = gatewayPort;
        o.SiloListeningEndpoint = new IPEndPoint(listen, siloPort);
        o.GatewayListeningEndpoint = new IPEndPoint(listen, gatewayPort);
    });
    if (!string.IsNullOrEmpty(redis))
    {
        ConfigurationOptions redisOptions;
        try
        {
            redisOptions = RedisUrl.Parse(redis);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Granary:Redis: {ex.Message}", ex);
        }

        // One multiplexer per Redis server in this process: Orleans' providers, the event streams, the proxy and the
        // redis resources all share the registry's (the providers are told it is shared, so they leave it open).
        var connections = new RedisConnectionRegistry();
        silo.Services.AddSingleton(_ => connections);
        async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> Shared() => (await connections.GetAsync(redisOptions), true);
        silo.UseRedisClustering(o =>
        {
            o.ConfigurationOptions = redisOptions;
            o.CreateMultiplexer = _ => Shared();
        });
        silo.AddRedisGrainStorageAsDefault(o =>
        {
            o.ConfigurationOptions = redisOptions;
            o.CreateMultiplexer = _ => Shared();
        });
        silo.AddRedisGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o =>
        {
            o.ConfigurationOptions = redisOptions;
            o.CreateMultiplexer = _ => Shared();
        });
        silo.UseRedisGrainDirectoryAsDefault(o =>
        {
            o.ConfigurationOptions = redisOptions;
            o.CreateMultiplexer = _ => Shared();
        });

        // Platform events survive a silo's loss on Redis Streams.
        silo.AddRedisStreams(PlatformStreams.DefaultProvider, o =>
        {
            o.ConfigurationOptions = redisOptions;
            o.CreateMultiplexer = _ => connections.GetAsync(redisOptions);
        });
    }
    else
    {
        // One silo alone: it is its own primary. State, streams and reminders stay in this process.
        silo.UseDevelopmentClustering(new IPEndPoint(network.ResolveAdvertisedAddress(), siloPort));
        var store = new InProcessGrainStore();
        silo.AddInProcessGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, store);
        silo.AddInProcessGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, store);
        silo.AddMemoryStreams(PlatformStreams.DefaultProvider);
    }

    silo.UseInMemoryReminderService();
    if (dashboard)
    {
        silo.AddDashboard();
    }

    if (runsController)
    {
        silo.AddGranaryController();
    }

    if (runsOrchestrator)
    {
        silo.AddGranaryOrchestrator();
        if (runsProxy)
        {
            silo.AddGranaryProxy();
        }
    }

    if (runsNode)
    {
        // CONTAINER is offered only when a Docker Engine answers (Granary:Containers:DockerSocketPath, DOCKER_HOST or
        // /var/run/docker.sock); without one the node runs the other runtimes and says why in its log.
        silo.AddGranaryNode().AddDotnetFunctions().AddWasmFunctions().AddFileLogResource().AddRedisResource()
            .AddHttpIngressResource().AddHttpEgressResource().AddNodeMetricsEndpoint()
            .AddContainerFunctions(o => builder.Configuration.GetSection("Granary:Containers").Bind(o));
    }

    // With Granary:Proxy:Url (a redis:// URL) the orchestrator also hosts a node with no function runtime whose only
    // resource is the metrics-collector, writing application metrics to that Redis (as the seed's orchestrator does).
    if (runsOrchestrator && builder.Configuration["Granary:Proxy:Url"] is { Length: > 0 } proxyUrl)
    {
        if (runsNode)
        {
            silo.AddMetricsCollectorResource(o => o.Url = proxyUrl);
        }
        else
        {
            silo.AddMetricsCollectorNode(proxyUrl);
        }
    }
});
if (role == "inabox")
{
    builder.Services.AddHostedService<SampleWorkflowService>();
}

await using var app = builder.Build();
if (dashboard)
{
    app.MapGranaryDashboard();
}

await app.RunAsync();
return 0;
