namespace Granary.Docker.Tests;

/// <summary>Behaviour of the client that needs no engine.</summary>
public sealed class DockerClientTests
{
    [Fact]
    public async Task Unreachable_socket_raises_DockerConnectionException_naming_the_socket()
    {
        var socket = Path.Combine(Path.GetTempPath(), "granary-no-engine-" + Guid.NewGuid().ToString("N") + ".sock");
        using var client = new DockerClient(new DockerClientOptions { SocketPath = socket });

        var error = await Assert.ThrowsAsync<DockerConnectionException>(() => client.PingAsync());

        Assert.Equal(socket, error.SocketPath);
        Assert.Contains($"unix://{socket}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_id_that_would_leave_its_path_segment_is_refused_before_any_request()
    {
        var socket = Path.Combine(Path.GetTempPath(), "granary-no-engine-" + Guid.NewGuid().ToString("N") + ".sock");
        using var client = new DockerClient(new DockerClientOptions { SocketPath = socket });

        await Assert.ThrowsAsync<ArgumentException>(() => client.RemoveContainerAsync("../images/busybox", force: true));
        await Assert.ThrowsAsync<ArgumentException>(() => client.InspectContainerAsync("abc?force=true"));
    }

    [Fact]
    public async Task A_request_the_engine_never_answers_raises_TimeoutException_naming_it()
    {
        using var engine = new SilentEngine();
        using var client = new DockerClient(new DockerClientOptions { SocketPath = engine.SocketPath, RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.PingAsync());

        Assert.Contains("GET /_ping", error.Message, StringComparison.Ordinal);
        Assert.Contains(engine.SocketPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_cancelled_by_the_caller_raises_OperationCanceledException_not_a_timeout()
    {
        using var engine = new SilentEngine();
        using var client = new DockerClient(new DockerClientOptions { SocketPath = engine.SocketPath, RequestTimeout = TimeSpan.FromSeconds(30) });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PingAsync(cancellation.Token));
    }
}
