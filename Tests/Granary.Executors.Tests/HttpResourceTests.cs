using System.Net;
using System.Text;
using Granary.Executors.Http;
using Granary.Executors.Resources.Http;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Executors.Tests;

/// <summary>
/// http-ingress and http-egress on a node silo with real sockets on 127.0.0.1: requests from a real HttpClient become
/// calls to .NET functions, and http-egress performs requests against a local Kestrel server.
/// </summary>
public sealed class HttpResourceTests
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static Task<ExecutorCluster> StartAsync(TimeSpan? callTimeout = null) =>
        ExecutorCluster.StartAsync(nodes: 1, node: s =>
        {
            s.AddHttpIngressResource(o => o.Url = "http://127.0.0.1:0").AddHttpEgressResource();
            if (callTimeout is { } timeout)
            {
                s.Services.Configure<NodeOptions>(n => n.CallTimeout = timeout);
            }
        });

    private static Uri IngressAddress(ExecutorCluster platform) =>
        platform.Nodes[0].Services.GetRequiredService<HttpIngressServer>().Address ?? throw new InvalidOperationException("the ingress server did not start");

    private static HttpRequestMessage Request(HttpMethod method, Uri address, string pathAndQuery, string host, string? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(address, pathAndQuery.TrimStart('/')));
        request.Headers.Host = host;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        return request;
    }

    /// <summary>Sends until the ingress is deployed and wired (before that it answers 404 or 502), then returns the answer.</summary>
    private static async Task<HttpResponseMessage> SendWhenReadyAsync(Func<HttpRequestMessage> request)
    {
        var deadline = Environment.TickCount64 + 20_000;
        while (true)
        {
            var response = await Client.SendAsync(request());
            if ((response.StatusCode != HttpStatusCode.NotFound && response.StatusCode != HttpStatusCode.BadGateway) || Environment.TickCount64 > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_ingress_request_becomes_a_call_to_a_dotnet_function_whose_reply_is_the_http_response()
    {
        await using var platform = await StartAsync();
        var address = IngressAddress(platform);
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.DotnetFunction<HttpEchoFunction>("echo", "tag=a")],
            Resources = [HttpWorkflows.Ingress("ingress", "echo", new() { ["host"] = "demo.granary.test", ["methods"] = "POST, GET" })],
        };
        await platform.DomainGrain.DeployWorkflow("http-echo", spec);

        using var response = await SendWhenReadyAsync(() => Request(HttpMethod.Post, address, "/hello?x=1", "demo.granary.test", "world"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("echo world", await response.Content.ReadAsStringAsync());
        Assert.Equal("POST", response.Headers.GetValues("X-Echo-Method").Single());
        Assert.Equal("/hello?x=1", response.Headers.GetValues("X-Echo-Path").Single());
        Assert.Equal("demo.granary.test", response.Headers.GetValues("X-Echo-Host").Single());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task An_ingress_answers_404_for_a_host_it_does_not_serve_and_405_for_a_method_it_does_not_accept()
    {
        await using var platform = await StartAsync();
        var address = IngressAddress(platform);
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.DotnetFunction<HttpEchoFunction>("echo", "tag=a")],
            // EDGELESS code reads "method" (singular): accepted as well.
            Resources = [HttpWorkflows.Ingress("ingress", "echo", new() { ["host"] = "only.granary.test", ["method"] = "POST" })],
        };
        await platform.DomainGrain.DeployWorkflow("http-codes", spec);
        using var ready = await SendWhenReadyAsync(() => Request(HttpMethod.Post, address, "/", "only.granary.test", "x"));
        Assert.Equal(HttpStatusCode.Created, ready.StatusCode);

        using var otherHost = await Client.SendAsync(Request(HttpMethod.Post, address, "/", "other.granary.test", "x"));
        using var wrongMethod = await Client.SendAsync(Request(HttpMethod.Put, address, "/", "only.granary.test", "x"));

        Assert.Equal(HttpStatusCode.NotFound, otherHost.StatusCode);
        Assert.Contains("other.granary.test", await otherHost.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("POST", wrongMethod.Content.Headers.Allow);
    }

    [Fact]
    public async Task Ingress_instances_of_two_workflows_share_the_node_server_and_are_told_apart_by_wf_id()
    {
        await using var platform = await StartAsync();
        var address = IngressAddress(platform);
        foreach (var name in new[] { "alpha", "beta" })
        {
            var spec = new WorkflowSpec
            {
                Functions = [ExecutorCluster.DotnetFunction<HttpEchoFunction>("echo", $"tag={name}")],
                Resources = [HttpWorkflows.Ingress("ingress", "echo", new() { ["host"] = "shared.granary.test", ["methods"] = "GET", ["wf_id"] = name })],
            };
            await platform.DomainGrain.DeployWorkflow(name, spec);
        }

        using var alpha = await SendWhenReadyAsync(() => Request(HttpMethod.Get, address, "/alpha/items", "shared.granary.test"));
        using var beta = await SendWhenReadyAsync(() => Request(HttpMethod.Get, address, "/beta?id=7", "shared.granary.test"));
        using var neither = await Client.SendAsync(Request(HttpMethod.Get, address, "/gamma", "shared.granary.test"));

        Assert.Equal("alpha", alpha.Headers.GetValues("X-Served-By").Single());
        Assert.Equal("/alpha/items", alpha.Headers.GetValues("X-Echo-Path").Single());
        Assert.Equal("beta", beta.Headers.GetValues("X-Served-By").Single());
        Assert.Equal(HttpStatusCode.NotFound, neither.StatusCode);
    }

    [Fact]
    public async Task An_async_ingress_casts_the_request_and_answers_200_at_once()
    {
        await using var platform = await StartAsync();
        var address = IngressAddress(platform);
        var key = Guid.NewGuid().ToString("N");
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.DotnetFunction<HttpRecorderFunction>("recorder", $"key={key}")],
            Resources = [HttpWorkflows.Ingress("ingress", "recorder", new() { ["host"] = "127.0.0.1", ["methods"] = "PUT", ["async"] = "true" })],
        };
        await platform.DomainGrain.DeployWorkflow("http-async", spec);
        await platform.WaitAsync(async () =>
        {
            // Until the ingress is wired, casts are dropped: send until one arrives.
            using var response = await Client.SendAsync(Request(HttpMethod.Put, address, "/warmup", address.Authority, "warmup"));
            return response.StatusCode == HttpStatusCode.OK && HttpObserved.Of(key).Count > 0;
        });

        for (var i = 0; i < 5; i++)
        {
            using var response = await Client.SendAsync(Request(HttpMethod.Put, address, $"/events/{i}", address.Authority, $"payload-{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        }

        await platform.WaitAsync(() => HttpObserved.Of(key).Count(r => r.Path.StartsWith("/events/", StringComparison.Ordinal)) == 5);
        var events = HttpObserved.Of(key).Where(r => r.Path.StartsWith("/events/", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"payload-{i}"), events.Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.All(events, r => Assert.Equal("PUT", r.Method));
        Assert.All(events, r => Assert.Equal("text/plain; charset=utf-8", r.Headers["Content-Type"]));
    }

    [Fact]
    public async Task An_ingress_answers_504_when_the_function_does_not_reply_before_the_call_deadline()
    {
        await using var platform = await StartAsync(callTimeout: TimeSpan.FromSeconds(1));
        var address = IngressAddress(platform);
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.DotnetFunction<SlowHttpFunction>("slow", string.Empty)],
            Resources = [HttpWorkflows.Ingress("ingress", "slow", new() { ["host"] = "*" })],
        };
        await platform.DomainGrain.DeployWorkflow("http-slow", spec);

        using var response = await SendWhenReadyAsync(() => Request(HttpMethod.Get, address, "/", "anything.granary.test"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("no answer within", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_ingress_without_a_host_configuration_is_rejected_with_a_message_naming_it()
    {
        await using var platform = await StartAsync();
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.DotnetFunction<HttpEchoFunction>("echo", "tag=a")],
            Resources = [HttpWorkflows.Ingress("no-host", "echo", new() { ["methods"] = "GET" })],
        };
        await platform.DomainGrain.DeployWorkflow("http-bad", spec);

        await platform.WaitAsync(async () => (await platform.DomainGrain.Inspect()).Unplaced.Values.Any(reason => reason.Contains("'host'", StringComparison.Ordinal))
            || platform.Logs.Entries.Any(e => e.Message.Contains("needs the configuration 'host'", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Egress_performs_the_described_request_and_replies_with_the_response()
    {
        await using var target = await EmbeddedHttpServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers["X-Seen"] = $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Request.Headers["X-Test"]}";
            await context.Response.WriteAsync("got " + body);
        }, NullLoggerFactory.Instance);
        await using var platform = await StartAsync();
        var components = await platform.DomainGrain.DeployWorkflow("http-egress", new WorkflowSpec { Resources = [new ResourceSpec("egress", ResourceClasses.HttpEgress)] });
        var egress = await platform.InstanceOfAsync(components["egress"]);
        var request = new HttpRequestEnvelope("POST", new Uri(target.Address, "items?id=3").ToString(), null, "/items?id=3", new Dictionary<string, string> { ["X-Test"] = "yes", ["Content-Type"] = "text/plain" }, Encoding.UTF8.GetBytes("a body"));

        var result = await platform.NodeOf(egress).Call(egress, default, 0, HttpEnvelopeJson.Write(request));

        Assert.Equal(CallResultKind.Reply, result.Kind);
        var response = HttpEnvelopeJson.ReadResponse(result.Payload);
        Assert.Equal(202, response.Status);
        Assert.Equal("POST /items?id=3 yes", response.Headers["X-Seen"]);
        Assert.Equal("got a body", Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public async Task Egress_replies_with_an_error_for_a_refused_connection_or_a_bad_request_and_keeps_working()
    {
        await using var target = await EmbeddedHttpServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), context => context.Response.WriteAsync("fine"), NullLoggerFactory.Instance);
        int closedPort;
        await using (var closed = await EmbeddedHttpServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), _ => Task.CompletedTask, NullLoggerFactory.Instance))
        {
            closedPort = closed.Address.Port;
        }

        await using var platform = await StartAsync();
        var components = await platform.DomainGrain.DeployWorkflow("http-egress-errors", new WorkflowSpec { Resources = [new ResourceSpec("egress", ResourceClasses.HttpEgress)] });
        var egress = await platform.InstanceOfAsync(components["egress"]);
        var node = platform.NodeOf(egress);

        var refused = await node.Call(egress, default, 0, Encoding.UTF8.GetBytes($"{{\"method\": \"GET\", \"url\": \"http://127.0.0.1:{closedPort}/\"}}"));
        var broken = await node.Call(egress, default, 0, Encoding.UTF8.GetBytes("{\"method\": \"GET\", \"url\": "));
        var noUrl = await node.Call(egress, default, 0, Encoding.UTF8.GetBytes("{\"method\": \"GET\"}"));
        var fine = await node.Call(egress, default, 0, HttpEnvelopeJson.Write(new HttpRequestEnvelope("GET", target.Address.ToString(), null, "/", new Dictionary<string, string>(), [])));

        Assert.Equal(CallResultKind.Error, refused.Kind);
        Assert.Contains($"127.0.0.1:{closedPort}", refused.Text);
        Assert.Equal(CallResultKind.Error, broken.Kind);
        Assert.Contains("not valid JSON", broken.Text);
        Assert.Equal(CallResultKind.Error, noUrl.Kind);
        Assert.Contains("\"url\"", noUrl.Text);
        Assert.Equal(CallResultKind.Reply, fine.Kind);
        Assert.Equal("fine", Encoding.UTF8.GetString(HttpEnvelopeJson.ReadResponse(fine.Payload).Body));
    }

    [Fact]
    public async Task A_request_flows_from_ingress_through_a_function_and_egress_to_a_server_and_back()
    {
        await using var target = await EmbeddedHttpServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), context =>
            context.Response.WriteAsync($"upstream saw {context.Request.Path} via {context.Request.Headers["X-Via"]}"), NullLoggerFactory.Instance);
        await using var platform = await StartAsync();
        var address = IngressAddress(platform);
        var spec = new WorkflowSpec
        {
            Functions = [ExecutorCluster.DotnetFunction<HttpProxyFunction>("proxy", $"url={target.Address}", new() { ["egress"] = "egress" })],
            Resources =
            [
                HttpWorkflows.Ingress("ingress", "proxy", new() { ["host"] = "proxy.granary.test", ["methods"] = "GET" }),
                new ResourceSpec("egress", ResourceClasses.HttpEgress),
            ],
        };
        await platform.DomainGrain.DeployWorkflow("http-chain", spec);

        using var response = await SendWhenReadyAsync(() => Request(HttpMethod.Get, address, "/weather", "proxy.granary.test"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream saw /weather via proxy", await response.Content.ReadAsStringAsync());
    }
}
