using System.Net;
using System.Text;
using Granary.Executors.Container;
using Granary.Grains.Functions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Executors.Tests;

/// <summary>
/// The node's host API over real HTTP on loopback: what a container function may ask and the clear refusals of what
/// it may not (no container needed: the requests are those a function's own HTTP client would send).
/// </summary>
public sealed class ContainerHostApiTests : IAsyncLifetime
{
    private readonly ContainerHostApi _api = new(new ContainerExecutorOptions(), NullLogger.Instance);
    private readonly FakeFunctionContext _context = new();
    private readonly HttpClient _http = new();
    private string _token = string.Empty;

    public async Task InitializeAsync()
    {
        _http.BaseAddress = new Uri($"http://{await _api.EnsureStartedAsync(CancellationToken.None)}/");
        _token = _api.Register(_context);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string pathAndQuery, string? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery) { Content = body is null ? null : new StringContent(body) };
        if ((token ?? _token) is { Length: > 0 } t)
        {
            request.Headers.Add(ContainerProtocol.TokenHeader, t);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cast_with_its_token_reaches_the_instance()
    {
        var (status, _) = await SendAsync(HttpMethod.Post, "cast?channel=output", "hello");

        Assert.Equal(HttpStatusCode.NoContent, status);
        var (alias, payload) = Assert.Single(_context.Casts);
        Assert.Equal("output", alias);
        Assert.Equal("hello", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task Requests_without_a_known_token_are_forbidden_and_an_unregistered_token_stops_working()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "cast?channel=output", "x", token: string.Empty)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "cast?channel=output", "x", token: "not-a-token")).Status);

        _api.Unregister(_token);
        var (status, body) = await SendAsync(HttpMethod.Post, "cast?channel=output", "x");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(ContainerProtocol.TokenHeader, body, StringComparison.Ordinal);
        Assert.Empty(_context.Casts);
    }

    [Fact]
    public async Task Only_post_is_accepted_except_get_for_slf()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "cast?channel=output");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Contains("takes POST", body, StringComparison.Ordinal);

        var self = await SendAsync(HttpMethod.Get, "slf");
        Assert.Equal(HttpStatusCode.OK, self.Status);
        Assert.Equal(_context.Self.ToString(), self.Body);
    }

    [Fact]
    public async Task An_unknown_operation_is_not_found_and_lists_the_known_ones()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "teleport", "x");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("'/teleport'", body, StringComparison.Ordinal);
        Assert.Contains("delayed_cast", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cast", "the query parameter 'channel' is missing")]
    [InlineData("call", "the query parameter 'channel' is missing")]
    [InlineData("cast_raw?node=abc&component=def", "node and component must be UUIDs, not 'abc' and 'def'")]
    [InlineData("call_raw?component=00000000-0000-0000-0000-000000000001", "the query parameter 'node' is missing")]
    [InlineData("delayed_cast?channel=output&delay_ms=-5", "delay_ms must be a non-negative integer, not '-5'")]
    [InlineData("delayed_cast?channel=output", "the query parameter 'delay_ms' is missing")]
    [InlineData("telemetry_log?level=loud", "level must be 1..5 or error, warn, info, debug, trace, not 'loud'")]
    public async Task Malformed_requests_are_refused_with_the_reason_and_nothing_reaches_the_instance(string request, string reason)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, request, "payload");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(reason, body);
        Assert.Empty(_context.Casts);
        Assert.Empty(_context.RawCasts);
        Assert.Empty(_context.Calls);
        Assert.Empty(_context.DelayedCasts);
        Assert.Empty(_context.Telemetry);
    }

    [Fact]
    public async Task A_call_answers_200_with_the_reply_204_without_one_and_502_with_the_error()
    {
        _context.OnCall = (_, payload) => Task.FromResult(Encoding.UTF8.GetString(payload) switch
        {
            "reply" => CallResult.Reply("pong"u8.ToArray()),
            "none" => CallResult.NoReply,
            _ => CallResult.Error("callee failed"),
        });

        var reply = await SendAsync(HttpMethod.Post, "call?channel=out", "reply");
        var none = await SendAsync(HttpMethod.Post, "call?channel=out", "none");
        var error = await SendAsync(HttpMethod.Post, "call?channel=out", "fail");

        Assert.Equal((HttpStatusCode.OK, "pong"), reply);
        Assert.Equal(HttpStatusCode.NoContent, none.Status);
        Assert.Equal((HttpStatusCode.BadGateway, "callee failed"), error);
    }
}
